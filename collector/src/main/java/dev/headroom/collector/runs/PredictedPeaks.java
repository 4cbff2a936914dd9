package dev.headroom.collector.runs;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A run's predicted per-GPU peak, per metric, as the registry needs it. It is a plain value so the
 * registry does not care how it was computed (see {@link RunPredictor}).
 *
 * @param deviceBytes predicted peak device memory per GPU (what NVML will show)
 * @param allocatedBytes predicted peak of live tensors, when the predictor gives it
 * @param reservedBytes predicted peak held by the caching allocator, when the predictor gives it
 * @param usableBytes usable memory of the GPU the spec names, when it names one
 * @param summary one line for people: the verdict and the biggest parts of the breakdown
 * @param firstMitigation the first rung of the mitigation ladder that fits, when the run does not
 */
public record PredictedPeaks(
    long deviceBytes,
    OptionalLong allocatedBytes,
    OptionalLong reservedBytes,
    OptionalLong usableBytes,
    String summary,
    Optional<String> firstMitigation) {

  /** A prediction of the three metrics without a GPU or a mitigation. */
  public static PredictedPeaks of(long deviceBytes, long allocatedBytes, long reservedBytes, String summary) {
    return new PredictedPeaks(deviceBytes, OptionalLong.of(allocatedBytes), OptionalLong.of(reservedBytes),
        OptionalLong.empty(), summary, Optional.empty());
  }

  public PredictedPeaks {
    if (deviceBytes <= 0) {
      throw new IllegalArgumentException("predicted device peak must be > 0, was " + deviceBytes);
    }
    Objects.requireNonNull(allocatedBytes, "allocatedBytes");
    Objects.requireNonNull(reservedBytes, "reservedBytes");
    Objects.requireNonNull(usableBytes, "usableBytes");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(firstMitigation, "firstMitigation");
  }

  /** The prediction for one metric, empty when the predictor gave none for it. */
  public OptionalLong bytesFor(MemoryMetric metric) {
    return switch (metric) {
      case DEVICE -> OptionalLong.of(deviceBytes);
      case ALLOCATED -> allocatedBytes;
      case RESERVED -> reservedBytes;
    };
  }
}
