package dev.headroom.collector.charts;

import dev.headroom.collector.runs.GpuSeries;
import dev.headroom.collector.runs.TimedBytes;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Everything one memory chart shows. Series may be empty (no reporter: no allocated/reserved).
 *
 * @param title the chart's title, e.g. run and GPU
 * @param usedBytes device memory used (each report's maximum, so spikes show)
 * @param usableBytes usable memory over time (total minus driver-reserved)
 * @param allocatedBytes the allocator's live-tensor bytes, when a reporter posts them
 * @param reservedBytes the caching allocator's reserved bytes, when a reporter posts them
 * @param predictedPeakBytes the run's predicted per-GPU device peak, when it has a prediction
 * @param usableLimitBytes the latest usable memory: the danger line is drawn at {@code dangerRatio}
 *     of it
 * @param capacityBytes the GPU's total memory
 * @param dangerRatio where the danger line is, as a fraction of usable memory (0.90 by default)
 */
public record MemoryChartData(
    String title,
    List<TimedBytes> usedBytes,
    List<TimedBytes> usableBytes,
    List<TimedBytes> allocatedBytes,
    List<TimedBytes> reservedBytes,
    OptionalLong predictedPeakBytes,
    long usableLimitBytes,
    long capacityBytes,
    double dangerRatio) {

  public MemoryChartData {
    Objects.requireNonNull(title, "title");
    usedBytes = List.copyOf(usedBytes);
    usableBytes = List.copyOf(usableBytes);
    allocatedBytes = List.copyOf(allocatedBytes);
    reservedBytes = List.copyOf(reservedBytes);
    Objects.requireNonNull(predictedPeakBytes, "predictedPeakBytes");
    if (capacityBytes < 0 || usableLimitBytes < 0) {
      throw new IllegalArgumentException("capacity and usable must be >= 0");
    }
    if (!(dangerRatio > 0 && dangerRatio <= 1)) {
      throw new IllegalArgumentException("dangerRatio must be in (0, 1], was " + dangerRatio);
    }
  }

  /** A chart of one GPU's series as the run registry keeps them. */
  public static MemoryChartData of(
      String title,
      GpuSeries series,
      OptionalLong predictedPeakBytes,
      long usableLimitBytes,
      long capacityBytes,
      double dangerRatio) {
    return new MemoryChartData(
        title,
        series.usedBytes(),
        series.usableBytes(),
        series.allocatedBytes(),
        series.reservedBytes(),
        predictedPeakBytes,
        usableLimitBytes,
        capacityBytes,
        dangerRatio);
  }

  /** The danger line in bytes. */
  public long dangerBytes() {
    return (long) (usableLimitBytes * dangerRatio);
  }

  /** The highest value anything on the chart reaches, so the axis shows all of it. */
  long highestBytes() {
    long highest = Math.max(capacityBytes, predictedPeakBytes.orElse(0));
    for (List<TimedBytes> s : List.of(usedBytes, usableBytes, allocatedBytes, reservedBytes)) {
      for (TimedBytes p : s) {
        highest = Math.max(highest, p.bytes());
      }
    }
    return highest;
  }
}
