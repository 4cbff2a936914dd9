package dev.headroom.agent.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.protocol.recording.RecordedObservation;
import dev.headroom.protocol.recording.RecordingLimits;
import dev.headroom.protocol.recording.RecordingReader;
import dev.headroom.protocol.recording.SegmentIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingSinkTest {
  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  private static final SegmentIdentity ID = new SegmentIdentity("agent-1", "boot-1", "node-1", T0);

  @TempDir Path dir;

  private static Observation step(long i) {
    return new StepMark(T0.plusSeconds(i), 4242, i, "train");
  }

  @Test
  void everythingAcceptedCanBeReadBackInOrder() throws IOException {
    try (RecordingSink sink = RecordingSink.open(dir, ID, RecordingLimits.DEFAULT, InstantSource.fixed(T0))) {
      for (int i = 0; i < 50; i++) {
        sink.accept(step(i));
      }
    }

    try (RecordingReader r = RecordingReader.open(dir)) {
      assertThat(r.readAll()).extracting(RecordedObservation::observation)
          .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 50).mapToObj(RecordingSinkTest::step).toList());
      assertThat(r.problems()).isEmpty();
    }
  }

  @Test
  void boundedRecordingKeepsTheNewestAndCountsWhatWasDropped() throws IOException {
    RecordingLimits small = new RecordingLimits(16_384, 4_096, Duration.ofHours(1));
    try (RecordingSink sink = RecordingSink.open(dir, ID, small, InstantSource.fixed(T0))) {
      for (int i = 0; i < 2_000; i++) {
        sink.accept(step(i));
      }
      assertThat(sink.deletedSegments()).isPositive();
      assertThat(sink.droppedObservations()).isZero();
    }
    try (RecordingReader r = RecordingReader.open(dir)) {
      List<RecordedObservation> back = r.readAll();
      assertThat(back.get(back.size() - 1).observation()).isEqualTo(step(1_999));
    }
  }

  /** A disk that fills up and later has room again. */
  private static final class FillingDisk implements RecordingSink.Writer {
    final List<Long> written = new ArrayList<>();
    boolean full;

    @Override
    public void append(long sequence, Observation observation) throws IOException {
      if (full) {
        throw new IOException("No space left on device");
      }
      written.add(sequence);
    }

    @Override
    public long deletedSegments() {
      return 0;
    }

    @Override
    public void close() {}
  }

  @Test
  void aFullDiskDropsAndCountsButNeverStopsTheCaller() throws IOException {
    FillingDisk disk = new FillingDisk();
    try (RecordingSink sink = new RecordingSink(disk, "/var/lib/headroom/recording")) {
      sink.accept(step(1));
      disk.full = true;
      for (int i = 2; i <= 10; i++) {
        sink.accept(step(i)); // must not throw
      }
      disk.full = false;
      sink.accept(step(11));

      assertThat(sink.droppedObservations()).isEqualTo(9);
      assertThat(disk.written).containsExactly(1L, 11L);
    }
  }
}
