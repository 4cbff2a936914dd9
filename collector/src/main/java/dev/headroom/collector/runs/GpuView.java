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
 * @param peakProcessUsedBytes the most this run's own processes held on the GPU in one report (NVML's
 *     per-process count; {@code peakUsedBytes} is the whole GPU's, every process on it); empty
 *     when none of them was seen
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
    List<Long> pids,
    OptionalLong peakProcessUsedBytes) {

  public GpuView {
    comparisons = List.copyOf(comparisons);
    pids = List.copyOf(pids);
    java.util.Objects.requireNonNull(peakProcessUsedBytes, "peakProcessUsedBytes");
  }

  /** A view without the processes' own peak. */
  public GpuView(String uuid, String hostname, int index, String name, long totalBytes, long usableBytes,
      long lastUsedBytes, long peakUsedBytes, double lastRatio, double peakRatio, OptionalLong lastAllocatedBytes,
      OptionalLong peakAllocatedBytes, OptionalLong lastReservedBytes, OptionalLong peakReservedBytes,
      long numAllocRetries, DeviceState deviceState, GpuLevel level, Instant lastReportAt,
      List<PeakComparison> comparisons, List<Long> pids) {
    this(uuid, hostname, index, name, totalBytes, usableBytes, lastUsedBytes, peakUsedBytes, lastRatio, peakRatio,
        lastAllocatedBytes, peakAllocatedBytes, lastReservedBytes, peakReservedBytes, numAllocRetries, deviceState,
        level, lastReportAt, comparisons, pids, OptionalLong.empty());
  }
}
