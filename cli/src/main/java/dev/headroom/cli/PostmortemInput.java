package dev.headroom.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** What a postmortem input is, told from its content (names can lie; first bytes do not). */
enum PostmortemInput {
  LOG,
  GZIP_LOG,
  SNAPSHOT,
  RECORDING_DIRECTORY,
  RECORDING_SEGMENT;

  private static final byte[] SEGMENT_MAGIC = "HROMREC\n".getBytes(StandardCharsets.US_ASCII);
  private static final int SNIFF_BYTES = 4096;
  /** Nested recording folders named in the hint; a retention's worth of runs would be a wall of text. */
  private static final int NESTED_SHOWN = 5;

  /** Detects the kind, or throws a {@link UserInputException} saying why the input cannot be used. */
  static PostmortemInput detect(Path p) {
    if (Files.isDirectory(p)) {
      if (!holdsSegments(p)) {
        throw new UserInputException(p + ": a directory without recording segments (*.hrec)" + nestedHint(p));
      }
      return RECORDING_DIRECTORY;
    }
    if (!Files.exists(p)) {
      throw new UserInputException(p + ": no such file or directory");
    }
    if (!Files.isReadable(p)) {
      throw new UserInputException(p + ": not readable (permission denied)");
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(p)) {
      head = in.readNBytes(SNIFF_BYTES);
    } catch (IOException e) {
      throw new UserInputException(p + ": cannot read: " + e.getMessage());
    }
    if (head.length == 0) {
      throw new UserInputException(p + ": empty file (0 bytes): nothing to analyse");
    }
    if (startsWith(head, SEGMENT_MAGIC)) {
      return RECORDING_SEGMENT;
    }
    if ((head[0] & 0xff) == 0x80 && head.length > 1 && head[1] >= 2 && head[1] <= 5) {
      return SNAPSHOT;
    }
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP_LOG;
    }
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      throw new UserInputException(p + ": a zip archive (a torch.save() checkpoint?), not a"
          + " torch.cuda.memory._dump_snapshot() pickle or a log");
    }
    String name = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".pickle") || name.endsWith(".pkl") || name.endsWith(".pck")) {
      // Protocol 0/1 pickles have no 0x80 header; the name is the only hint left.
      return SNAPSHOT;
    }
    if (looksBinary(head)) {
      throw new UserInputException(p + ": binary data (first bytes " + hex(head) + "): neither a text log,"
          + " an allocator snapshot pickle nor a headroom recording");
    }
    return LOG;
  }

  private static boolean holdsSegments(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(f -> f.getFileName().toString().endsWith(".hrec"));
    } catch (IOException e) {
      throw new UserInputException(dir + ": cannot list the directory: " + e.getMessage());
    }
  }

  /**
   * The collector keeps a run's frames one level down per agent life
   * ({@code recordings/<run>/<agent>_<boot>/}) and all runs two levels down: a user who gives the
   * run's folder or the recordings folder is told which folders to give instead.
   */
  private static String nestedHint(Path dir) {
    List<Path> found;
    try (Stream<Path> s = Files.find(dir, 2, (f, attrs) -> attrs.isDirectory() && !f.equals(dir))) {
      found = s.filter(f -> {
        try (Stream<Path> inner = Files.list(f)) {
          return inner.anyMatch(x -> x.getFileName().toString().endsWith(".hrec"));
        } catch (IOException e) {
          return false;
        }
      }).sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      return "";
    }
    if (found.isEmpty()) {
      return "";
    }
    int shown = Math.min(NESTED_SHOWN, found.size());
    StringBuilder hint = new StringBuilder("; ").append(found.size())
        .append(found.size() == 1 ? " folder inside holds a recording (one per agent life), give it instead: "
            : " folders inside hold recordings (one per agent life), give them instead: ");
    for (int i = 0; i < shown; i++) {
      hint.append(i == 0 ? "" : " ").append(found.get(i));
    }
    if (found.size() > shown) {
      hint.append(" … and ").append(found.size() - shown).append(" more");
    }
    return hint.toString();
  }

  /** NULs, or many control bytes other than tab/CR/LF/ESC, are not text. */
  static boolean looksBinary(byte[] head) {
    int control = 0;
    for (byte b : head) {
      int c = b & 0xff;
      if (c == 0) {
        return true;
      }
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != 0x1b && c != '\f') {
        control++;
      }
    }
    return control * 10 > head.length;
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(8, b.length); i++) {
      sb.append(String.format("%02x", b[i] & 0xff));
    }
    return sb.toString();
  }
}
