package dev.headroom.collector.store;

import static dev.headroom.collector.testing.Observations.GIB;
import static dev.headroom.collector.testing.Observations.T0;
import static dev.headroom.collector.testing.Observations.agent;
import static dev.headroom.collector.testing.Observations.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of a recording folder: from the marker a closed writer left while it still describes the
 * last segment, from the segments themselves once anything was written after it.
 */
class RecordingTailTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final AgentIdentity node = agent("node-t");

  private Path folder(RunRecordings recordings) throws IOException {
    try (var s = Files.list(recordings.runDirectory("tail-run"))) {
      return s.findFirst().orElseThrow();
    }
  }

  @Test
  void aClosedWritersMarkerGivesTheTailUntilTheFolderIsWrittenAgain() throws IOException {
    Path folder;
    try (RunRecordings recordings = new RunRecordings(dir, RetentionPolicy.DEFAULT, clock)) {
      for (int i = 1; i <= 6; i++) {
        recordings.onRunObservation(node, i, report("node-t", "GPU-" + (i % 2), i % 2, T0.plusSeconds(i), i * GIB, 5),
            List.of("tail-run"));
      }
      folder = folder(recordings);
    }
    assertThat(folder.resolve(TailMarker.FILE_NAME)).exists();
    RecordingTail marked = RecordingTail.read(folder).orElseThrow();
    assertThat(marked.lastSequence()).isEqualTo(6);
    assertThat(marked.agentId()).isEqualTo(node.agentId());
    assertThat(marked.latestReports()).extracting(DeviceReport::at)
        .containsExactlyInAnyOrder(T0.plusSeconds(5), T0.plusSeconds(6));

    // A successor writes frame 7 and dies before closing: the marker no longer describes the folder.
    RunRecordings successor = new RunRecordings(dir, RetentionPolicy.DEFAULT, clock);
    successor.onRunObservation(node, 7, report("node-t", "GPU-1", 1, T0.plusSeconds(7), 7 * GIB, 5),
        List.of("tail-run"));
    successor.onRunObservation(node, 3, report("node-t", "GPU-1", 1, T0.plusSeconds(3), 3 * GIB, 5),
        List.of("tail-run")); // a re-sent frame the folder already holds
    RecordingTail read = RecordingTail.read(folder).orElseThrow();
    assertThat(read.lastSequence()).isEqualTo(7);
    assertThat(read.latestReports()).extracting(DeviceReport::at).containsExactly(T0.plusSeconds(7));
    assertThat(successor.resentFramesSkipped()).isEqualTo(1);
    successor.close();
  }
}
