package dev.headroom.collector.runs;

import dev.headroom.analyzer.model.DeviceState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything the run view shows of one GPU except the series: what the catalog keeps so that an
 * ended run is shown after a restart without replaying its recording. Its identity and peaks are
 * the {@link StoredGpu} every stored run has; the rest is the GPU's latest state.
 *
 * @param sawRunProcess whether a process of the run was ever on this GPU (a run ends when its
 *     processes left every GPU they were seen on)
 * @param pids the run's processes in the GPU's latest report
 * @param peakProcessUsedBytes the most the run's own processes held on the GPU in one report;
 *     empty when none was seen, or in the summary of an older collector
 */
public record GpuSummary(
    StoredGpu stored,
    long lastUsedBytes,
    double lastRatio,
    OptionalLong lastAllocatedBytes,
    OptionalLong lastReservedBytes,
    long numAllocRetries,
    DeviceState deviceState,
    Optional<Instant> lastReportAt,
    boolean sawRunProcess,
    List<Long> pids,
    OptionalLong peakProcessUsedBytes) {

  public GpuSummary {
    Objects.requireNonNull(stored, "stored");
    Objects.requireNonNull(deviceState, "deviceState");
    Objects.requireNonNull(lastAllocatedBytes, "lastAllocatedBytes");
    Objects.requireNonNull(lastReservedBytes, "lastReservedBytes");
    Objects.requireNonNull(lastReportAt, "lastReportAt");
    Objects.requireNonNull(peakProcessUsedBytes, "peakProcessUsedBytes");
    pids = List.copyOf(pids);
  }

  /** A summary without the processes' own peak (as an older collector wrote it). */
  public GpuSummary(StoredGpu stored, long lastUsedBytes, double lastRatio, OptionalLong lastAllocatedBytes,
      OptionalLong lastReservedBytes, long numAllocRetries, DeviceState deviceState, Optional<Instant> lastReportAt,
      boolean sawRunProcess, List<Long> pids) {
    this(stored, lastUsedBytes, lastRatio, lastAllocatedBytes, lastReservedBytes, numAllocRetries, deviceState,
        lastReportAt, sawRunProcess, pids, OptionalLong.empty());
  }

  public String uuid() {
    return stored.uuid();
  }
}
