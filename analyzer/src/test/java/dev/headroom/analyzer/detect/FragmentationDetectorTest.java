package dev.headroom.analyzer.detect;

import static dev.headroom.analyzer.detect.TrainingTrace.GIB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.AllocatorSample;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FragmentationDetectorTest {
  private final FragmentationDetector detector = new FragmentationDetector(DetectorConfig.defaults());

  private static AllocatorSample sample(int second, long pid, long allocated, long reserved, long retries) {
    return new AllocatorSample(
        TrainingTrace.at(second), pid, 0, Optional.of("GPU-test"), allocated, allocated, reserved, reserved,
        allocated, reserved - allocated, OptionalLong.empty(), retries, 0);
  }

  @Test
  void strandedReservedMemoryOnAFullGpuIsRaisedAfterTwoSamplesAndSuggestsExpandableSegments() {
    detector.observe(Reports.peak(1, 0.85));
    detector.observe(sample(1, 7, 50 * GIB, 68 * GIB, 0)); // 26 % unallocated
    assertThat(detector.condition()).as("one sample").isEmpty();

    detector.observe(sample(2, 7, 52 * GIB, 68 * GIB, 0));

    var condition = detector.condition().orElseThrow();
    assertThat(condition.values().get("reservedUnallocatedRatio")).isEqualTo(16.0 / 68.0);
    assertThat(condition.suggestedAction()).contains("PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True");
  }

  @Test
  void strandedMemoryOnAGpuWithRoomToSpareIsNotRaised() {
    detector.observe(Reports.peak(1, 0.60));
    detector.observe(sample(1, 7, 30 * GIB, 48 * GIB, 0));
    detector.observe(sample(2, 7, 30 * GIB, 48 * GIB, 0));

    assertThat(detector.condition()).isEmpty();
  }

  @Test
  void risingAllocRetriesAreRaisedAtOnceAndHeldForAWhile() {
    detector.observe(Reports.peak(1, 0.60));
    detector.observe(sample(1, 7, 30 * GIB, 31 * GIB, 3));
    assertThat(detector.condition()).as("a first sample shows no rise").isEmpty();

    detector.observe(sample(2, 7, 30 * GIB, 31 * GIB, 5));
    assertThat(detector.condition()).hasValueSatisfying(c -> assertThat(c.explanation()).contains("retry 2 time(s)"));

    for (int s = 3; s < 12; s++) {
      detector.observe(sample(s, 7, 30 * GIB, 31 * GIB, 5));
      assertThat(detector.condition()).as("sample %d", s).isPresent();
    }
    detector.observe(sample(12, 7, 30 * GIB, 31 * GIB, 5));
    assertThat(detector.condition()).as("ten quiet samples later").isEmpty();
  }

  @Test
  void aRestartedProcessWithLowerCountersIsNotARise() {
    detector.observe(sample(1, 7, 30 * GIB, 31 * GIB, 9));
    detector.observe(sample(2, 8, 30 * GIB, 31 * GIB, 0));
    detector.observe(sample(3, 8, 30 * GIB, 31 * GIB, 0));

    assertThat(detector.condition()).isEmpty();
  }
}
