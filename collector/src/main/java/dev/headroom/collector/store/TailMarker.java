package dev.headroom.collector.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.protocol.wire.ObservationMapping;
import dev.headroom.protocol.wire.pb.ObservationFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What a recording writer leaves in its folder when it closes (idle, or a clean stop): the folder's
 * last sequence and the latest device report per GPU, beside the name and size of the segment it
 * ended with. A restarting collector takes the tail from here instead of decoding the last segment,
 * but only while that segment is still the folder's last and has that size: anything written after
 * (a new writer opens a new segment) or a crash before the close makes it fall back to reading.
 * The file does not end in the segment suffix, so recording readers never see it.
 */
final class TailMarker {
  static final String FILE_NAME = "tail.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private TailMarker() {}

  /** Writes the marker atomically (a torn marker must not be mistaken for a valid one). */
  static void write(Path folder, Path lastSegment, String agentId, String bootId, long lastSequence,
      Collection<byte[]> latestReportFrames) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("segment", lastSegment.getFileName().toString());
    root.put("segmentBytes", Files.size(lastSegment));
    root.put("agentId", agentId);
    root.put("bootId", bootId);
    root.put("lastSequence", lastSequence);
    var reports = root.putArray("latestReportFrames");
    latestReportFrames.forEach(bytes -> reports.add(Base64.getEncoder().encodeToString(bytes)));
    Path tmp = folder.resolve(FILE_NAME + ".tmp");
    Files.writeString(tmp, root.toString(), StandardCharsets.UTF_8);
    try {
      Files.move(tmp, folder.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, folder.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The tail the marker gives, when it still describes the folder's last segment. */
  static Optional<RecordingTail> read(Path folder, List<Path> segments) {
    Path file = folder.resolve(FILE_NAME);
    if (segments.isEmpty() || !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
      Path last = segments.get(segments.size() - 1);
      if (!last.getFileName().toString().equals(root.path("segment").asText())
          || Files.size(last) != root.path("segmentBytes").asLong(-1)) {
        return Optional.empty(); // written since the marker: read the segment instead
      }
      List<DeviceReport> reports = new ArrayList<>();
      for (JsonNode frame : root.path("latestReportFrames")) {
        var decoded = ObservationMapping.fromFrame(ObservationFrame.parseFrom(Base64.getDecoder().decode(frame.asText())));
        if (decoded.observation() instanceof DeviceReport report) {
          reports.add(report);
        }
      }
      return Optional.of(new RecordingTail(folder, root.path("agentId").asText(), root.path("bootId").asText(),
          root.path("lastSequence").asLong(), reports, List.of()));
    } catch (IOException | RuntimeException | dev.headroom.protocol.wire.MalformedFrameException e) {
      return Optional.empty(); // an unreadable marker only costs reading the segment
    }
  }
}
