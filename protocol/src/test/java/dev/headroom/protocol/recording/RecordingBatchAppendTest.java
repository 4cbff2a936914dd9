package dev.headroom.protocol.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.Observation;
import dev.headroom.protocol.wire.ObservationMapping;
import dev.headroom.protocol.wire.SampleObservations;
import dev.headroom.protocol.wire.SerializedObservation;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RollingRecordingWriter#appendAll}: one write per segment, the same file format and bounds. */
class RecordingBatchAppendTest {

  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  private static final SegmentIdentity ID = new SegmentIdentity("agent-1", "boot-abc", "node-1", T0);

  @TempDir Path dir;

  private static List<SerializedObservation> batch(long firstSequence, int n) {
    List<SerializedObservation> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long seq = firstSequence + i;
      Observation o = SampleObservations.deviceReport(T0.plusSeconds(seq), 1_000_000L * seq);
      out.add(new SerializedObservation(seq, ObservationMapping.toFrame(seq, o).toByteArray()));
    }
    return out;
  }

  private List<RecordedObservation> readBack() throws IOException {
    try (RecordingReader r = RecordingReader.open(dir)) {
      List<RecordedObservation> all = r.readAll();
      assertThat(r.problems()).isEmpty();
      return all;
    }
  }

  @Test
  void batchesAndSingleAppendsReadBackInOrderAsOneRecordEach() throws IOException {
    try (RollingRecordingWriter w = new RollingRecordingWriter(dir, ID,
        new RecordingLimits(4 << 20, 1 << 20, Duration.ofHours(1)), InstantSource.fixed(T0))) {
      w.appendAll(batch(1, 10));
      SerializedObservation single = batch(11, 1).get(0);
      w.append(single.sequence(), single.observationFrameBytes());
      w.appendAll(batch(12, 5));
      assertThat(w.segments()).hasSize(1);
    }
    List<RecordedObservation> back = readBack();
    assertThat(back).extracting(RecordedObservation::sequence)
        .containsExactly(java.util.stream.LongStream.rangeClosed(1, 16).boxed().toArray(Long[]::new));
    assertThat(back.get(15).observation())
        .isEqualTo(SampleObservations.deviceReport(T0.plusSeconds(16), 16_000_000L));
  }

  @Test
  void aBatchLargerThanASegmentIsSplitAcrossSegmentsWithinTheirSize() throws IOException {
    int recordBytes = (int) SegmentWriter.recordBytes(batch(1, 1).get(0).observationFrameBytes().length);
    long segmentBytes = 4_096;
    try (RollingRecordingWriter w = new RollingRecordingWriter(dir, ID,
        new RecordingLimits(1 << 20, segmentBytes, Duration.ofHours(1)), InstantSource.fixed(T0))) {
      w.appendAll(batch(1, 100));
      assertThat(w.segments()).hasSizeGreaterThan(100 * recordBytes / (int) segmentBytes);
      for (Path segment : w.segments()) {
        assertThat(java.nio.file.Files.size(segment)).isLessThanOrEqualTo(segmentBytes);
      }
    }
    assertThat(readBack()).hasSize(100);
  }

  @Test
  void theTotalBoundDropsTheOldestSegmentsForABatchToo() throws IOException {
    try (RollingRecordingWriter w = new RollingRecordingWriter(dir, ID,
        new RecordingLimits(12_288, 4_096, Duration.ofHours(1)), InstantSource.fixed(T0))) {
      for (int b = 0; b < 10; b++) {
        w.appendAll(batch(1 + 20L * b, 20));
      }
      assertThat(w.totalBytes()).isLessThanOrEqualTo(12_288);
      assertThat(w.deletedSegments()).isPositive();
    }
    List<RecordedObservation> back = readBack();
    assertThat(back).isNotEmpty();
    assertThat(back.get(back.size() - 1).sequence()).isEqualTo(200);
  }
}
