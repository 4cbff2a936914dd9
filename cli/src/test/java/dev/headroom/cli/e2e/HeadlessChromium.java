package dev.headroom.cli.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real headless Chromium (Debian package {@code chromium}), one process per page load, each
 * with a fresh profile and everything that would reach beyond loopback turned off.
 */
final class HeadlessChromium {
  private static final long TIMEOUT_SECONDS = 60;

  private final Path binary;
  private final Path workDir;
  private int profiles;

  HeadlessChromium(Path binary, Path workDir) {
    this.binary = binary;
    this.workDir = workDir;
  }

  static Optional<Path> binary() {
    return ExternalPeer.binary(List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"),
        List.of("chromium", "chromium-browser"));
  }

  /** The DOM after the page's scripts and image loads ran (a virtual-time budget lets them). */
  String dumpDom(String url) throws IOException, InterruptedException {
    return run(List.of("--dump-dom", url));
  }

  /** Saves a PNG of the page at 1400×1000. */
  void screenshot(String url, Path png) throws IOException, InterruptedException {
    Files.createDirectories(png.getParent());
    Files.deleteIfExists(png);
    run(List.of("--screenshot=" + png, "--window-size=1400,1000", url));
  }

  private String run(List<String> args) throws IOException, InterruptedException {
    Path profile = Files.createDirectories(workDir.resolve("chromium-profile-" + (++profiles)));
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars", "--virtual-time-budget=5000",
        "--user-data-dir=" + profile));
    command.addAll(args);
    Path log = workDir.resolve("chromium-" + profiles + ".log");
    Path out = workDir.resolve("chromium-" + profiles + ".out");
    // Output to files, not pipes: a hung browser then still meets the bounded wait below.
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).redirectOutput(out.toFile()).start();
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("chromium exited with " + p.exitValue() + ": " + Files.readString(log));
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      // Chromium forks helpers (zygote, renderer); none may outlive a hung or failed load.
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
