package dev.headroom.cli.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real program from a Debian package (Prometheus, Alertmanager) run as a child process on a free
 * loopback port, its output in a log file of the test's work dir. Closing it stops it (SIGTERM,
 * then SIGKILL after 5 s) so no test leaves one behind.
 */
final class ExternalPeer implements AutoCloseable {
  private static final Duration READY_WAIT = Duration.ofSeconds(20);

  private final String name;
  private final Process process;
  private final Path log;
  private final URI baseUrl;
  /** Stops the child even when the test JVM is ended early (a surefire timeout, Ctrl-C). */
  private final Thread killOnExit;

  private ExternalPeer(String name, Process process, Path log, URI baseUrl) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.baseUrl = baseUrl;
    this.killOnExit = new Thread(process::destroyForcibly, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /** The first of {@code candidates} that is an executable file, else one of {@code names} on PATH. */
  static Optional<Path> binary(List<String> candidates, List<String> names) {
    Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .filter(dir -> !dir.isEmpty())
        .flatMap(dir -> names.stream().map(n -> Path.of(dir, n)));
    return Stream.concat(candidates.stream().map(Path::of), onPath).filter(Files::isExecutable).findFirst();
  }

  /** A port nobody listens on right now (the child binds it a moment later). */
  static int freeLoopbackPort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  /**
   * Starts {@code command} and waits until {@code readyPath} on {@code port} answers 200.
   *
   * @throws IllegalStateException with the child's log when it exits or is not ready in time
   */
  static ExternalPeer start(String name, List<String> command, int port, String readyPath, Path workDir)
      throws IOException, InterruptedException {
    Path log = workDir.resolve(name + ".log");
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    ExternalPeer peer = new ExternalPeer(name, process, log, URI.create("http://127.0.0.1:" + port));
    try {
      peer.awaitReady(readyPath);
    } catch (IOException | InterruptedException | RuntimeException e) {
      peer.close();
      throw e;
    }
    return peer;
  }

  URI baseUrl() {
    return baseUrl;
  }

  /** The child's output so far, for assertion messages. */
  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  private void awaitReady(String readyPath) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + READY_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with status " + process.exitValue() + ":\n" + log());
      }
      try {
        HttpResponse<Void> response = http.send(
            HttpRequest.newBuilder(baseUrl.resolve(readyPath)).timeout(Duration.ofSeconds(1)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " not ready after " + READY_WAIT.toSeconds() + " s:\n" + log());
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs anyway
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
