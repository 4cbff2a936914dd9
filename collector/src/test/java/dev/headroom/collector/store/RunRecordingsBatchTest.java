package dev.headroom.collector.store;

import static dev.headroom.collector.testing.Observations.GIB;
import static dev.headroom.collector.testing.Observations.T0;
import static dev.headroom.collector.testing.Observations.agent;
import static dev.headroom.collector.testing.Observations.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.runs.RunObservation;
import dev.headroom.collector.testing.MutableClock;
import dev.headroom.protocol.recording.RecordedObservation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A burst written at once lands in the same per-run recordings as frames written one by one. */
class RunRecordingsBatchTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final AgentIdentity node = agent("node-a");

  @Test
  void aBurstGoesToEachOfItsRunsInOrderAndUnattributedFramesToTheHost() throws IOException {
    List<RunObservation> burst = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      // Frames 1..30: every one in run "a", the even ones also in "b" (a shared GPU), 30 in none.
      List<String> runs = i == 30 ? List.of() : i % 2 == 0 ? List.of("a", "b") : List.of("a");
      burst.add(new RunObservation(i, report("node-a", "GPU-0", 0, T0.plusSeconds(i), i * GIB, 7), runs));
    }
    try (RunRecordings recordings = new RunRecordings(dir, RetentionPolicy.DEFAULT, clock)) {
      recordings.onRunObservations(node, burst.subList(0, 29));
      recordings.onRunObservations(node, burst.subList(29, 30));
      recordings.onRunObservation(node, 31, report("node-a", "GPU-0", 0, T0.plusSeconds(31), GIB, 7), List.of("a"));

      List<RecordedObservation> a = recordings.read("a");
      List<RecordedObservation> b = recordings.read("b");
      assertThat(a).extracting(RecordedObservation::sequence).containsExactly(
          java.util.stream.LongStream.concat(java.util.stream.LongStream.rangeClosed(1, 29), java.util.stream.LongStream.of(31))
              .boxed().toArray(Long[]::new));
      assertThat(b).extracting(RecordedObservation::sequence).containsExactly(
          java.util.stream.LongStream.rangeClosed(1, 14).map(i -> 2 * i).boxed().toArray(Long[]::new));
      assertThat(a.get(4).observation()).isEqualTo(burst.get(4).observation());
      assertThat(Files.isDirectory(dir.resolve("_host-node-a"))).isTrue();
      assertThat(recordings.forceDirty()).isEqualTo(3);
    }
  }
}
