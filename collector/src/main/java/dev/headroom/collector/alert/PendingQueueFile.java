package dev.headroom.collector.alert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink's undelivered payloads on disk, one JSON document per line, so a collector restart does
 * not lose them. The whole file is rewritten through a temporary file and an atomic rename on each
 * change: the queue is short (alerts, not samples), and a crash mid-write leaves the previous
 * version intact.
 */
final class PendingQueueFile {
  private static final Logger LOG = LoggerFactory.getLogger(PendingQueueFile.class);
  private final Path file;

  PendingQueueFile(Path file) {
    this.file = file;
  }

  Path path() {
    return file;
  }

  /** The payloads left by an earlier run; lines that are not JSON objects are skipped with a warning. */
  List<String> load() throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> payloads = new ArrayList<>();
    int lineNo = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNo++;
      String t = line.strip();
      if (t.isEmpty()) {
        continue;
      }
      if (!t.startsWith("{") || !t.endsWith("}")) {
        LOG.warn("{}:{}: not a JSON object, skipped (a torn write?)", file, lineNo);
        continue;
      }
      payloads.add(t);
    }
    return payloads;
  }

  void store(List<String> payloads) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    StringBuilder b = new StringBuilder();
    for (String p : payloads) {
      b.append(p).append('\n');
    }
    Files.writeString(tmp, b, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
