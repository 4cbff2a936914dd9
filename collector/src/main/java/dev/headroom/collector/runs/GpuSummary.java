package dev.headroom.collector.runs;

import dev.headroom.analyzer.model.DeviceState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything the run view shows of one GPU except the series: what the catalog keeps so that an
 * ended run is shown after a restart without replaying its recording. Peaks are -1 when never
 * observed, as in {@link StoredGpu}.
 *
 * @param sawRunProcess whether a process of the run was ever on this GPU (a run ends when its
 *     processes left every GPU they were seen on)
 * @param pids the run's processes in the GPU's latest report
 */
public record GpuSummary(
    String uuid,
    String hostname,
    int index,
    String name,
    long totalBytes,
    long usableBytes,
    long peakUsedBytes,
    long peakAllocatedBytes,
    long peakReservedBytes,
    long lastUsedBytes,
    double lastRatio,
    OptionalLong lastAllocatedBytes,
    OptionalLong lastReservedBytes,
    long numAllocRetries,
    DeviceState deviceState,
    Optional<Instant> lastReportAt,
    boolean sawRunProcess,
    List<Long> pids) {

  public GpuSummary {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(deviceState, "deviceState");
    Objects.requireNonNull(lastAllocatedBytes, "lastAllocatedBytes");
    Objects.requireNonNull(lastReservedBytes, "lastReservedBytes");
    Objects.requireNonNull(lastReportAt, "lastReportAt");
    pids = List.copyOf(pids);
  }
}
