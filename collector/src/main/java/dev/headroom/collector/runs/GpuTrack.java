package dev.headroom.collector.runs;

import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** The mutable state of one GPU within one run; guarded by the owning {@link Run}'s monitor. */
final class GpuTrack {
  final String uuid;
  // Known once a device report arrived; an allocator sample can come first.
  private String hostname = "";
  private int index = -1;
  private String name = "unknown GPU";
  private long totalBytes;
  private long usableBytes;
  private double lastRatio;
  private long lastUsedBytes;
  private DeviceState deviceState = DeviceState.OK;
  private Instant lastReportAt;
  private long numAllocRetries;
  private long peakAllocatedBytes = -1;
  private long peakReservedBytes = -1;
  /**
   * The most the run's own processes held on this GPU in one report (the sum of their maxima), -1
   * before any was seen. Device used counts every process on the GPU: an evaluation worker beside
   * a training job would otherwise show the job's memory as its own.
   */
  private long peakProcessUsedBytes = -1;
  /** Peak used memory saved in the catalog before a restart (-1: none). */
  private long restoredPeakUsed = -1;
  private List<Long> pids = List.of();
  private boolean sawRunProcess;
  /** Latest allocator values from a summary, shown while the series wait in the recording. */
  private OptionalLong restoredLastAllocated = OptionalLong.empty();
  private OptionalLong restoredLastReserved = OptionalLong.empty();

  // Not final: a run restored from its summary adopts the series replayed from its recording.
  private PeakSeries used;
  private PeakSeries usable;
  private PeakSeries allocated;
  private PeakSeries reserved;

  GpuTrack(String uuid, int seriesPoints) {
    this.uuid = uuid;
    this.used = new PeakSeries(seriesPoints);
    this.usable = new PeakSeries(seriesPoints);
    this.allocated = new PeakSeries(seriesPoints);
    this.reserved = new PeakSeries(seriesPoints);
  }

  void onReport(DeviceReport report, Set<Long> runPids) {
    hostname = report.hostname();
    index = report.index();
    name = report.name();
    totalBytes = report.totalBytes();
    usableBytes = report.usableBytes();
    deviceState = report.state();
    lastReportAt = report.at();
    // A report without a good read (GPU lost or failing, or the short one an agent flushes as it
    // stops before its next read) lists no process because none was read, not because they left:
    // keep the last ones seen, or the run would end and resolve its alerts (gpu-lost among them).
    boolean processesRead = report.state() == DeviceState.OK && report.sampleCount() > 0;
    if (processesRead || !report.processes().isEmpty()) {
      List<Long> present = new ArrayList<>();
      long heldBytes = 0;
      for (var process : report.processes()) {
        if (runPids.isEmpty() || runPids.contains(process.pid())) {
          present.add(process.pid());
          heldBytes += process.usedBytes().max();
        }
      }
      pids = List.copyOf(present);
      if (!present.isEmpty()) {
        peakProcessUsedBytes = Math.max(peakProcessUsedBytes, heldBytes);
      }
      sawRunProcess |= !present.isEmpty();
    }
    if (report.sampleCount() == 0) {
      // Every read failed: the stats carry no measurement, only the state does.
      return;
    }
    used.add(report.at(), report.usedBytes().max());
    lastUsedBytes = report.usedBytes().last();
    usable.add(report.at(), usableBytes);
    lastRatio = report.peakRatio();
  }

  void onAllocator(AllocatorSample sample) {
    allocated.add(sample.at(), sample.allocatedBytes());
    reserved.add(sample.at(), sample.reservedBytes());
    // The allocator's own peak catches what happened between two posts.
    peakAllocatedBytes =
        Math.max(peakAllocatedBytes, Math.max(sample.allocatedBytes(), sample.peakAllocatedBytes()));
    peakReservedBytes =
        Math.max(peakReservedBytes, Math.max(sample.reservedBytes(), sample.peakReservedBytes()));
    numAllocRetries = Math.max(numAllocRetries, sample.numAllocRetries());
  }

  /** Restores peaks saved before a restart; the series start empty. */
  /** Brings back the identity and peaks the catalog kept. */
  void restore(StoredGpu gpu) {
    restoreIdentity(gpu.hostname(), gpu.index(), gpu.name(), gpu.totalBytes(), gpu.usableBytes());
    restorePeaks(gpu.peakUsedBytes(), gpu.peakAllocatedBytes(), gpu.peakReservedBytes());
  }

  void restorePeaks(long peakUsed, long peakAllocated, long peakReserved) {
    restoredPeakUsed = Math.max(restoredPeakUsed, peakUsed);
    peakAllocatedBytes = Math.max(peakAllocatedBytes, peakAllocated);
    peakReservedBytes = Math.max(peakReservedBytes, peakReserved);
  }

  void restoreIdentity(String hostname, int index, String name, long totalBytes, long usableBytes) {
    this.hostname = hostname;
    this.index = index;
    this.name = name;
    this.totalBytes = totalBytes;
    this.usableBytes = usableBytes;
  }

  /** Everything the view shows except the series. */
  GpuSummary summary() {
    StoredGpu stored = new StoredGpu(uuid, hostname, index, name, totalBytes, usableBytes, peakUsedBytes(),
        peakAllocatedBytes, peakReservedBytes);
    return new GpuSummary(stored, lastUsedBytes, lastRatio, lastAllocated(), lastReserved(), numAllocRetries, deviceState,
        Optional.ofNullable(lastReportAt), sawRunProcess, pids, peakProcessUsed());
  }

  /** Brings back a summary taken before a restart; the series stay empty until adopted. */
  void restoreSummary(GpuSummary s) {
    restore(s.stored());
    lastUsedBytes = s.lastUsedBytes();
    lastRatio = s.lastRatio();
    restoredLastAllocated = s.lastAllocatedBytes();
    restoredLastReserved = s.lastReservedBytes();
    numAllocRetries = Math.max(numAllocRetries, s.numAllocRetries());
    deviceState = s.deviceState();
    lastReportAt = s.lastReportAt().orElse(null);
    sawRunProcess |= s.sawRunProcess();
    pids = s.pids();
    peakProcessUsedBytes = Math.max(peakProcessUsedBytes, s.peakProcessUsedBytes().orElse(-1));
  }

  /**
   * Takes the series another track rebuilt from this GPU's recording. Points this track gathered
   * meanwhile (none: the registry loads a restored run before it applies anything to it) would be
   * replaced, so the caller loads first.
   */
  void adoptSeries(GpuTrack replayed) {
    used = replayed.used;
    usable = replayed.usable;
    allocated = replayed.allocated;
    reserved = replayed.reserved;
    peakProcessUsedBytes = Math.max(peakProcessUsedBytes, replayed.peakProcessUsedBytes);
  }

  private OptionalLong peakProcessUsed() {
    return peakProcessUsedBytes >= 0 ? OptionalLong.of(peakProcessUsedBytes) : OptionalLong.empty();
  }

  private OptionalLong lastAllocated() {
    return allocated.isEmpty() ? restoredLastAllocated : OptionalLong.of(allocated.last());
  }

  private OptionalLong lastReserved() {
    return reserved.isEmpty() ? restoredLastReserved : OptionalLong.of(reserved.last());
  }

  boolean sawRunProcess() {
    return sawRunProcess;
  }

  boolean runProcessPresent() {
    return !pids.isEmpty();
  }

  long peakUsedBytes() {
    return Math.max(restoredPeakUsed, used.isEmpty() ? -1 : used.peak());
  }

  GpuView view(RegistryPolicy policy, Optional<PredictedPeaks> prediction) {
    long peakUsed = Math.max(0, peakUsedBytes());
    OptionalLong peakAllocated = peakAllocatedBytes >= 0 ? OptionalLong.of(peakAllocatedBytes) : OptionalLong.empty();
    OptionalLong peakReserved = peakReservedBytes >= 0 ? OptionalLong.of(peakReservedBytes) : OptionalLong.empty();
    List<PeakComparison> comparisons = new ArrayList<>();
    prediction.ifPresent(
        p -> {
          if (peakUsedBytes() >= 0) {
            comparisons.add(new PeakComparison(MemoryMetric.DEVICE, peakUsed, p.deviceBytes()));
          }
          addComparison(comparisons, MemoryMetric.ALLOCATED, peakAllocated, p.allocatedBytes());
          addComparison(comparisons, MemoryMetric.RESERVED, peakReserved, p.reservedBytes());
        });
    return new GpuView(
        uuid,
        hostname,
        index,
        name,
        totalBytes,
        usableBytes,
        lastUsedBytes,
        peakUsed,
        lastRatio,
        usableBytes <= 0 ? 0.0 : (double) peakUsed / usableBytes,
        lastAllocated(),
        peakAllocated,
        lastReserved(),
        peakReserved,
        numAllocRetries,
        deviceState,
        level(policy),
        lastReportAt,
        comparisons,
        pids,
        peakProcessUsed());
  }

  private static void addComparison(
      List<PeakComparison> out, MemoryMetric metric, OptionalLong observed, OptionalLong predicted) {
    if (observed.isPresent() && predicted.isPresent()) {
      out.add(new PeakComparison(metric, observed.getAsLong(), predicted.getAsLong()));
    }
  }

  private GpuLevel level(RegistryPolicy policy) {
    if (deviceState != DeviceState.OK) {
      return GpuLevel.UNREADABLE;
    }
    if (lastRatio >= policy.dangerRatio()) {
      return GpuLevel.DANGER;
    }
    return lastRatio >= policy.warningRatio() ? GpuLevel.WARNING : GpuLevel.OK;
  }

  GpuSeries series() {
    return new GpuSeries(used.points(), usable.points(), allocated.points(), reserved.points());
  }
}
