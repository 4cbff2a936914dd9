package dev.headroom.collector.store;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.protocol.recording.RecordedObservation;
import dev.headroom.protocol.recording.RecordingFormat;
import dev.headroom.protocol.recording.RecordingProblem;
import dev.headroom.protocol.recording.RecordingReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The end of one agent life's recording (one folder): the last frame's sequence and the latest
 * device report per GPU in the last segment that holds any record. Reading it costs the marker its
 * writer left when it closed ({@link TailMarker}), or one segment, however much the folder holds, which is what lets a restarted collector seed its duplicate
 * filter and check a run's summary without replaying the recording.
 *
 * @param lastSequence the highest sequence in the last non-empty segment (sequences only grow
 *     within an agent life, so it is the folder's highest)
 * @param latestReports per GPU, the latest device report of that segment
 * @param problems what could not be read on the way
 */
public record RecordingTail(Path folder, String agentId, String bootId, long lastSequence,
    List<DeviceReport> latestReports, List<RecordingProblem> problems) {

  public RecordingTail {
    latestReports = List.copyOf(latestReports);
    problems = List.copyOf(problems);
  }

  /** The tail of {@code folder}, or empty when none of its segments holds a readable record. */
  public static Optional<RecordingTail> read(Path folder) throws IOException {
    List<Path> segments = segments(folder);
    Optional<RecordingTail> marked = TailMarker.read(folder, segments);
    if (marked.isPresent()) {
      return marked;
    }
    List<RecordingProblem> problems = new ArrayList<>();
    // A collector that restarts opens a new (empty) segment in the folder, so walk back.
    for (int i = segments.size() - 1; i >= 0; i--) {
      try (RecordingReader reader = RecordingReader.of(List.of(segments.get(i)))) {
        RecordedObservation last = null;
        Map<String, DeviceReport> latest = new LinkedHashMap<>();
        for (Optional<RecordedObservation> o = reader.next(); o.isPresent(); o = reader.next()) {
          last = o.get();
          if (last.observation() instanceof DeviceReport report) {
            latest.merge(report.uuid(), report, (a, b) -> b.at().isBefore(a.at()) ? a : b);
          }
        }
        problems.addAll(reader.problems());
        if (last != null) {
          return Optional.of(new RecordingTail(folder, last.source().agentId(), last.source().bootId(),
              last.sequence(), List.copyOf(latest.values()), problems));
        }
      }
    }
    return Optional.empty();
  }

  /** Segment files of a folder, oldest first (names sort in time order). */
  static List<Path> segments(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().endsWith(RecordingFormat.SEGMENT_SUFFIX))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    }
  }
}
