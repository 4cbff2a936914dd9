package dev.headroom.collector.runs;

import dev.headroom.analyzer.model.DeviceState;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * One GPU of a run at one moment: its latest and peak memory and its peaks against the prediction.
 *
 * @param usableBytes total minus driver-reserved memory: what processes can get
 * @param lastUsedBytes used memory at the end of the latest report
 * @param peakUsedBytes highest used memory of any report (each report's max, so spikes count)
 * @param peakRatio peak used / usable
 * @param lastRatio the latest report's max used / usable: what the GPU's level is judged on
 * @param comparisons observed peak vs prediction, one per metric the data supports
 * @param pids processes of this run seen on the GPU in the latest report
 */
public record GpuView(
    String uuid,
    String hostname,
    int index,
    String name,
    long totalBytes,
    long usableBytes,
    long lastUsedBytes,
    long peakUsedBytes,
    double lastRatio,
    double peakRatio,
    OptionalLong lastAllocatedBytes,
    OptionalLong peakAllocatedBytes,
    OptionalLong lastReservedBytes,
    OptionalLong peakReservedBytes,
    long numAllocRetries,
    DeviceState deviceState,
    GpuLevel level,
    Instant lastReportAt,
    List<PeakComparison> comparisons,
    List<Long> pids) {

  public GpuView {
    comparisons = List.copyOf(comparisons);
    pids = List.copyOf(pids);
  }
}
