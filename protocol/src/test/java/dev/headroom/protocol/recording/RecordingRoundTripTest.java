package dev.headroom.protocol.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.Observation;
import dev.headroom.protocol.wire.SampleObservations;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingRoundTripTest {

  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  private static final SegmentIdentity ID = new SegmentIdentity("agent-1", "boot-abc", "node-1", T0);
  private static final RecordingLimits SMALL = new RecordingLimits(40_000, 8_000, Duration.ofHours(1));

  @TempDir Path dir;

  private RollingRecordingWriter writer(RecordingLimits limits) throws IOException {
    return new RollingRecordingWriter(dir, ID, limits, InstantSource.fixed(T0));
  }

  private static List<Observation> observations(int n) {
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(i -> (Observation) SampleObservations.deviceReport(T0.plusSeconds(i), 1_000_000L * i))
        .toList();
  }

  private List<RecordedObservation> readBack() throws IOException {
    try (RecordingReader r = RecordingReader.open(dir)) {
      return r.readAll();
    }
  }

  @Test
  void everyObservationComesBackInOrderWithItsSequenceAndSource() throws IOException {
    try (RollingRecordingWriter w = writer(RecordingLimits.DEFAULT)) {
      long seq = 1;
      for (Observation o : SampleObservations.all()) {
        w.append(seq++, o);
      }
    }

    List<RecordedObservation> back = readBack();

    assertThat(back).extracting(RecordedObservation::observation).isEqualTo(SampleObservations.all());
    assertThat(back).extracting(RecordedObservation::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    assertThat(back.get(0).source().bootId()).isEqualTo("boot-abc");
  }

  @Test
  void rollsSegmentsAndDeletesTheOldestToStayWithinTheBound() throws IOException {
    List<Observation> all = observations(2_000);
    try (RollingRecordingWriter w = writer(SMALL)) {
      for (int i = 0; i < all.size(); i++) {
        w.append(i + 1, all.get(i));
        assertThat(w.totalBytes()).isLessThanOrEqualTo(SMALL.maxTotalBytes());
      }
      assertThat(w.deletedSegments()).isPositive();
      assertThat(w.deletedRecords()).isPositive();

      List<RecordedObservation> back = readBack();
      // What survives is exactly the newest records, contiguous up to the last one.
      assertThat(back.size() + w.deletedRecords()).isEqualTo(2_000);
      assertThat(back.get(back.size() - 1).sequence()).isEqualTo(2_000);
      assertThat(back.get(0).sequence()).isEqualTo(w.deletedRecords() + 1);
    }
  }

  @Test
  void tornTailIsReportedWithFileAndOffsetAndEverythingBeforeItIsKept() throws IOException {
    try (RollingRecordingWriter w = writer(RecordingLimits.DEFAULT)) {
      List<Observation> all = observations(10);
      for (int i = 0; i < all.size(); i++) {
        w.append(i + 1, all.get(i));
      }
    }
    Path segment = RecordingReader.segmentsIn(dir).get(0);
    long size = Files.size(segment);
    // An agent killed in the middle of its last write.
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(size - 7);
    }

    try (RecordingReader r = RecordingReader.open(dir)) {
      List<RecordedObservation> back = r.readAll();

      assertThat(back).hasSize(9);
      assertThat(r.problems()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo(RecordingProblem.Kind.TORN_TAIL);
        assertThat(p.file()).isEqualTo(segment);
        assertThat(p.byteOffset()).isGreaterThan(back.get(8).byteOffset());
        assertThat(p.toString()).contains(segment.getFileName().toString()).contains("at byte " + p.byteOffset());
      });
    }
  }

  @Test
  void flippedByteSkipsOnlyThatRecord() throws IOException {
    try (RollingRecordingWriter w = writer(RecordingLimits.DEFAULT)) {
      List<Observation> all = observations(5);
      for (int i = 0; i < all.size(); i++) {
        w.append(i + 1, all.get(i));
      }
    }
    long thirdOffset = readBack().get(2).byteOffset();
    Path segment = RecordingReader.segmentsIn(dir).get(0);
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.seek(thirdOffset + 20);
      int b = f.read();
      f.seek(thirdOffset + 20);
      f.write(b ^ 0x40);
    }

    try (RecordingReader r = RecordingReader.open(dir)) {
      assertThat(r.readAll()).extracting(RecordedObservation::sequence).containsExactly(1L, 2L, 4L, 5L);
      assertThat(r.problems()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo(RecordingProblem.Kind.CORRUPT_RECORD);
        assertThat(p.byteOffset()).isEqualTo(thirdOffset);
      });
    }
  }

  @Test
  void aFileThatIsNotASegmentIsSkippedAndNamed() throws IOException {
    Files.writeString(dir.resolve("seg-000000000000000-000000-zz.hrec"), "hello, not a recording");
    try (RollingRecordingWriter w = writer(RecordingLimits.DEFAULT)) {
      w.append(1, SampleObservations.bareDeviceReport());
    }

    try (RecordingReader r = RecordingReader.open(dir)) {
      assertThat(r.readAll()).hasSize(1);
      assertThat(r.problems()).singleElement()
          .satisfies(p -> assertThat(p.kind()).isEqualTo(RecordingProblem.Kind.BAD_HEADER))
          .satisfies(p -> assertThat(p.detail()).contains("bad magic"));
    }
  }

  @Test
  void theNewestSegmentCutShortInsideItsHeaderIsATornTailAnOlderOneABadHeader() throws IOException {
    try (RollingRecordingWriter w = writer(RecordingLimits.DEFAULT)) {
      w.append(1, SampleObservations.bareDeviceReport());
    }
    Path written;
    try (var files = Files.list(dir)) {
      written = files.filter(f -> f.getFileName().toString().endsWith(".hrec")).findFirst().orElseThrow();
    }
    byte[] start = java.util.Arrays.copyOf(Files.readAllBytes(written), 20); // past the 14-byte preamble
    // A writer SIGKILLed while starting its next segment: the newest file ends inside the header.
    Path newest = dir.resolve("seg-999999999999999-000000-zz.hrec");
    Files.write(newest, start);
    try (RecordingReader r = RecordingReader.open(dir)) {
      assertThat(r.readAll()).hasSize(1);
      assertThat(r.problems()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo(RecordingProblem.Kind.TORN_TAIL);
        assertThat(p.detail()).contains("inside the segment header", "starting it");
      });
    }
    // The same bytes before other segments are damage, not an interrupted start.
    Files.move(newest, dir.resolve("seg-000000000000000-000000-aa.hrec"));
    try (RecordingReader r = RecordingReader.open(dir)) {
      assertThat(r.readAll()).hasSize(1);
      assertThat(r.problems()).singleElement()
          .satisfies(p -> assertThat(p.kind()).isEqualTo(RecordingProblem.Kind.BAD_HEADER));
    }
  }

  @Test
  void segmentsOfAnEarlierRunCountTowardTheBoundAndGoFirst() throws IOException {
    try (RollingRecordingWriter first = writer(SMALL)) {
      List<Observation> all = observations(300);
      for (int i = 0; i < all.size(); i++) {
        first.append(i + 1, all.get(i));
      }
    }
    SegmentIdentity nextBoot = new SegmentIdentity("agent-1", "boot-def", "node-1", T0);
    try (RollingRecordingWriter second =
        new RollingRecordingWriter(dir, nextBoot, SMALL, InstantSource.fixed(T0.plusSeconds(3600)))) {
      List<Observation> all = observations(300);
      for (int i = 0; i < all.size(); i++) {
        second.append(i + 1, all.get(i));
      }
      assertThat(second.totalBytes()).isLessThanOrEqualTo(SMALL.maxTotalBytes());
      assertThat(second.deletedBytes()).isPositive();
    }

    List<RecordedObservation> back = readBack();
    // The new run is whole and last; what is left of the old one is its newest part, before it.
    assertThat(back).filteredOn(o -> o.source().bootId().equals("boot-def")).hasSize(300);
    assertThat(back.subList(back.size() - 300, back.size()))
        .allSatisfy(o -> assertThat(o.source().bootId()).isEqualTo("boot-def"));
    assertThat(back).filteredOn(o -> o.source().bootId().equals("boot-abc")).hasSizeLessThan(300);
  }

  @Test
  void releaseThroughDeletesOnlyFullyCoveredSegments() throws IOException {
    try (RollingRecordingWriter w = writer(SMALL)) {
      List<Observation> all = observations(200);
      for (int i = 0; i < all.size(); i++) {
        w.append(i + 1, all.get(i));
      }
      int before = w.segments().size();

      w.releaseThrough(150);

      List<RecordedObservation> back = readBack();
      assertThat(w.segments().size()).isLessThan(before);
      assertThat(back.get(0).sequence()).isBetween(2L, 151L);
      assertThat(back.get(back.size() - 1).sequence()).isEqualTo(200);
      assertThat(w.deletedSegments()).isZero();
    }
  }

  @Test
  void aDirectoryThatCannotTakeNewSegmentsFailsAppendsCleanlyAndRecovers() throws IOException {
    Path recording = dir.resolve("rec");
    try (RollingRecordingWriter w =
        new RollingRecordingWriter(recording, ID, SMALL, InstantSource.fixed(T0))) {
      List<Observation> all = observations(300);
      int i = 0;
      for (; i < 100; i++) {
        w.append(i + 1, all.get(i));
      }
      // The disk "goes away" under the writer: no new segment can be created, none deleted.
      for (Path p : RecordingReader.segmentsIn(recording)) {
        Files.delete(p);
      }
      Files.delete(recording);
      Files.writeString(recording, "not a directory");
      int failures = 0;
      for (; i < 200; i++) {
        try {
          w.append(i + 1, all.get(i));
        } catch (IOException expected) {
          failures++;
        }
      }
      assertThat(failures).isPositive();

      Files.delete(recording);
      Files.createDirectory(recording);
      for (; i < 300; i++) {
        w.append(i + 1, all.get(i));
      }
    }
    try (RecordingReader r = RecordingReader.open(recording)) {
      List<RecordedObservation> back = r.readAll();
      assertThat(back).isNotEmpty();
      assertThat(back.get(back.size() - 1).sequence()).isEqualTo(300);
      assertThat(back).extracting(RecordedObservation::sequence).isSorted();
    }
  }
}
