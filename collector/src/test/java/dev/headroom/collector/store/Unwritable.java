package dev.headroom.collector.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes a real folder that no file can be created in. File modes stop every user but root, and
 * these tests often run as root, which the immutable attribute ({@code chattr +i}) binds too.
 */
final class Unwritable {
  private Unwritable() {}

  /** True when {@code dir} is now unwritable; false when this machine offers no way to make it so. */
  static boolean make(Path dir) throws IOException, InterruptedException {
    if (dir.toFile().setWritable(false, false) && !Files.isWritable(dir)) {
      return true;
    }
    return chattr("+i", dir) && !Files.isWritable(dir);
  }

  static void undo(Path dir) throws IOException, InterruptedException {
    chattr("-i", dir);
    dir.toFile().setWritable(true, false);
  }

  private static boolean chattr(String flag, Path dir) throws IOException, InterruptedException {
    try {
      Process p = new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false; // no chattr on this machine
    }
  }
}
