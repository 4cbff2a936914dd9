package dev.headroom.analyzer.postmortem.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged copies of a real snapshot (bytes flipped, cut short) must either read or fail with a
 * {@link SnapshotFormatException}: never another exception, which the CLI would show as an
 * internal error.
 */
class SnapshotReaderFuzzTest {

  @Test
  void damagedFilesFailOnlyWithAFormatMessage() throws Exception {
    byte[] original = SnapshotReaderTest.bytes("voxelflex.pickle");
    Random random = new Random(20261201);
    int failed = 0;
    for (int round = 0; round < 400; round++) {
      byte[] b = original.clone();
      int flips = 1 + random.nextInt(4);
      for (int i = 0; i < flips; i++) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      int length = round % 3 == 0 ? random.nextInt(b.length) : b.length;
      try {
        AllocatorSnapshot s = SnapshotReader.read(new ByteArrayInputStream(b, 0, length), length, "fuzz");
        new SnapshotAnalyzer().analyze(s, "fuzz");
      } catch (SnapshotFormatException e) {
        failed++;
        assertThat(e.getMessage()).startsWith("fuzz: ");
      }
    }
    assertThat(failed).as("most damaged copies are rejected").isGreaterThan(100);
  }
}
