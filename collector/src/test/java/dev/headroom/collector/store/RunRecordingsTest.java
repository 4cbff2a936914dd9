package dev.headroom.collector.store;

import static dev.headroom.collector.testing.Observations.GIB;
import static dev.headroom.collector.testing.Observations.T0;
import static dev.headroom.collector.testing.Observations.agent;
import static dev.headroom.collector.testing.Observations.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.testing.MutableClock;
import dev.headroom.protocol.recording.RecordedObservation;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecordingsTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final AgentIdentity node = agent("node-a");

  @Test
  void framesOfARunAreReadBackInOrderWithTheirAgentAndSequence() throws IOException {
    try (RunRecordings recordings = new RunRecordings(dir, RetentionPolicy.DEFAULT, clock)) {
      for (int i = 1; i <= 50; i++) {
        recordings.onRunObservation(node, i, report("node-a", "GPU-0", 0, T0.plusSeconds(i), i * GIB, 7), List.of("run/1"));
      }
      recordings.onRunObservation(node, 51, report("node-a", "GPU-1", 1, T0, GIB), List.of());
      List<RecordedObservation> back = recordings.read("run/1");
      assertThat(back).hasSize(50);
      assertThat(back).extracting(RecordedObservation::sequence).containsExactly(
          java.util.stream.LongStream.rangeClosed(1, 50).boxed().toArray(Long[]::new));
      assertThat(back.get(0).source().agentId()).isEqualTo("agent-node-a");
      assertThat(((DeviceReport) back.get(49).observation()).usedBytes().max()).isEqualTo(50 * GIB);
      assertThat(Files.isDirectory(dir.resolve("_host-node-a"))).isTrue(); // an idle GPU: kept per host
      assertThat(recordings.totalBytes()).isPositive();
    }
  }

  @Test
  void aFolderNoFileCanBeCreatedInIsRefusedAtOpenNamingIt() throws Exception {
    Path recordings = Files.createDirectories(dir.resolve("recordings"));
    Assumptions.assumeTrue(Unwritable.make(recordings), "cannot make a folder unwritable here");
    try {
      assertThatThrownBy(() -> new RunRecordings(recordings, RetentionPolicy.DEFAULT, clock))
          .isInstanceOf(FileSystemException.class)
          .hasMessageStartingWith(recordings.toString())
          .satisfies(e -> assertThat(((FileSystemException) e).getFile()).isEqualTo(recordings.toString()));
    } finally {
      Unwritable.undo(recordings);
    }
    try (Stream<Path> left = Files.list(recordings)) {
      assertThat(left).as("no probe left behind").isEmpty();
    }
    new RunRecordings(recordings, RetentionPolicy.DEFAULT, clock).close();
  }

  @Test
  void onlyWritersWrittenSinceTheLastForceAreForced() throws IOException {
    try (RunRecordings recordings = new RunRecordings(dir, RetentionPolicy.DEFAULT, clock)) {
      recordings.onRunObservation(node, 1, report("node-a", "GPU-0", 0, T0, GIB, 7), List.of("a", "b"));
      assertThat(recordings.forceDirty()).isEqualTo(2);
      assertThat(recordings.forceDirty()).isZero();
      recordings.onRunObservation(node, 2, report("node-a", "GPU-0", 0, T0, GIB, 7), List.of("b"));
      assertThat(recordings.forceDirty()).isEqualTo(1);
    }
  }

  @Test
  void idsFromTheNetworkBecomeSafeDistinctFolderNames() {
    assertThat(RunRecordings.safeName("ft-llama_3.8b")).isEqualTo("ft-llama_3.8b");
    assertThat(RunRecordings.safeName("../../etc")).doesNotContain("/").startsWith("r");
    assertThat(RunRecordings.safeName("a/b")).isNotEqualTo(RunRecordings.safeName("a:b"));
    assertThat(RunRecordings.safeName("x".repeat(300))).hasSizeLessThan(100);
  }

  @Test
  void sweepClosesIdleWritersThenDeletesByAgeAndBySize() throws IOException {
    var small = new RetentionPolicy(Duration.ofDays(1), 64 * 1024, 16 * 1024, Duration.ofMinutes(10));
    try (RunRecordings recordings = new RunRecordings(dir, small, clock)) {
      for (int i = 1; i <= 400; i++) {
        recordings.onRunObservation(node, i, report("node-a", "GPU-0", 0, T0.plusSeconds(i), i * GIB, 7),
            List.of(i <= 200 ? "old-run" : "new-run"));
      }
      assertThat(recordings.sweep()).isZero(); // writers still open: left to their own bound
      clock.advance(Duration.ofMinutes(11));
      Path oldRun = recordings.runDirectory("old-run");
      try (Stream<Path> files = Files.walk(oldRun)) {
        for (Path p : files.filter(Files::isRegularFile).toList()) {
          Files.setLastModifiedTime(p, FileTime.from(T0.minus(Duration.ofDays(3))));
        }
      }
      int deleted = recordings.sweep();
      assertThat(deleted).isPositive();
      assertThat(recordings.read("old-run")).isEmpty();
      assertThat(recordings.totalBytes()).isLessThanOrEqualTo(64 * 1024);
    }
  }
}
