package dev.headroom.cli.demo;

import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tries to show the dashboard in the user's browser. Never fails the demo: a server without a
 * display, a missing {@code xdg-open} or a headless JVM only produce a short reason to print.
 */
final class BrowserLauncher {
  private BrowserLauncher() {}

  /** Empty when a browser was asked to open {@code url}; otherwise why not, in a few words. */
  static Optional<String> open(URI url) {
    Optional<String> command = opener();
    if (command.isPresent()) {
      try {
        // Output discarded: xdg-open's chatter would break the live view.
        new ProcessBuilder(command.get(), url.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        return Optional.empty();
      } catch (IOException | SecurityException e) {
        return Optional.of(command.get() + " failed: " + e.getMessage());
      }
    }
    try {
      if (!GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported()
          && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
        Desktop.getDesktop().browse(url);
        return Optional.empty();
      }
    } catch (IOException | RuntimeException | LinkageError e) {
      return Optional.of("the desktop would not open it: " + e.getMessage());
    }
    return Optional.of("no display or browser opener found");
  }

  /** xdg-open on Linux with a display, open on macOS; nothing elsewhere. */
  private static Optional<String> opener() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (os.contains("mac")) {
      return onPath("open");
    }
    boolean display = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
    return display ? onPath("xdg-open") : Optional.empty();
  }

  private static Optional<String> onPath(String program) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : List.of(path.split(File.pathSeparator))) {
      File f = new File(dir, program);
      if (!dir.isEmpty() && f.isFile() && f.canExecute()) {
        return Optional.of(f.getPath());
      }
    }
    return Optional.empty();
  }
}
