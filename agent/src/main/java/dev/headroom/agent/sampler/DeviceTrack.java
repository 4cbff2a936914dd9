package dev.headroom.agent.sampler;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.nvml.DeviceInfo;
import dev.headroom.nvml.DeviceSnapshot;
import dev.headroom.nvml.GpuProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One device's open interval and health. The sampler thread owns it; not thread-safe.
 *
 * <p>Health: OK until a read fails, then FAILING with a retry time that doubles per consecutive
 * failure up to the maximum; a success brings it back to OK. LOST (GPU_IS_LOST) is final: the
 * device needs a reset, so it is never read again.
 */
final class DeviceTrack {
  private final DeviceInfo info;
  private final RunningStats used = new RunningStats();
  private final RunningStats gpuUtilization = new RunningStats();
  private final RunningStats pcieTx = new RunningStats();
  private final RunningStats pcieRx = new RunningStats();
  private final RunningStats nvlinkTx = new RunningStats();
  private final RunningStats nvlinkRx = new RunningStats();
  private final RunningStats temperature = new RunningStats();
  private final RunningStats power = new RunningStats();
  private final Map<Long, RunningStats> processUsed = new LinkedHashMap<>();

  private DeviceState state = DeviceState.OK;
  private int consecutiveFailures;
  private Instant nextAttempt = Instant.MIN;
  private Instant firstSample;
  private int sampleCount;
  private long totalBytes;
  private long reservedBytes;
  private long lastUsedBytes;

  DeviceTrack(DeviceInfo info) {
    this.info = info;
    this.totalBytes = info.totalMemoryBytes();
  }

  DeviceInfo info() {
    return info;
  }

  DeviceState state() {
    return state;
  }

  int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** Whether a read should be tried now: never when lost, after the backoff when failing. */
  boolean due(Instant now) {
    return state != DeviceState.LOST && !now.isBefore(nextAttempt);
  }

  void add(DeviceSnapshot s, Instant now) {
    if (firstSample == null) {
      firstSample = now;
    }
    sampleCount++;
    state = DeviceState.OK;
    consecutiveFailures = 0;
    nextAttempt = Instant.MIN;
    totalBytes = s.memory().totalBytes();
    reservedBytes = s.memory().reservedBytes();
    lastUsedBytes = s.memory().usedBytes();
    used.add(lastUsedBytes);
    s.utilization().ifPresent(u -> gpuUtilization.add(u.gpuPercent()));
    s.pcie().ifPresent(p -> {
      p.txBytesPerSecond().ifPresent(pcieTx::add);
      p.rxBytesPerSecond().ifPresent(pcieRx::add);
    });
    s.nvlink().ifPresent(n -> {
      n.txBytesPerSecond().ifPresent(nvlinkTx::add);
      n.rxBytesPerSecond().ifPresent(nvlinkRx::add);
    });
    s.temperatureCelsius().ifPresent(temperature::add);
    s.powerMilliwatts().ifPresent(power::add);
    for (GpuProcess p : s.processes()) {
      // A process whose memory the driver cannot tell (WDDM, NOT_AVAILABLE) is still listed, at 0.
      processUsed.computeIfAbsent(p.pid(), pid -> new RunningStats())
          .add(p.usedGpuMemoryBytes().orElse(0));
    }
  }

  /** Records a failed read and returns the wait before the next try. */
  Duration fail(Instant now, Duration initialBackoff, Duration maxBackoff) {
    consecutiveFailures++;
    state = DeviceState.FAILING;
    Duration backoff = initialBackoff;
    for (int i = 1; i < consecutiveFailures && backoff.compareTo(maxBackoff) < 0; i++) {
      backoff = backoff.multipliedBy(2);
    }
    if (backoff.compareTo(maxBackoff) > 0) {
      backoff = maxBackoff;
    }
    nextAttempt = now.plus(backoff);
    return backoff;
  }

  void lose() {
    state = DeviceState.LOST;
  }

  /**
   * Closes the interval: the report covers every sample since the last one. With no sample (device
   * failing or lost the whole interval), memory repeats the last value read, flagged by {@code
   * sampleCount == 0} and the state.
   */
  DeviceReport report(String hostname, Instant intervalStart, Instant at, ProcessLabeller labeller) {
    List<ProcessReport> processes = new ArrayList<>(processUsed.size());
    for (Map.Entry<Long, RunningStats> e : processUsed.entrySet()) {
      ProcessLabels labels = labeller.labels(e.getKey());
      processes.add(
          new ProcessReport(
              e.getKey(),
              labels.name(),
              labels.user(),
              labels.containerId(),
              e.getValue().toStats().orElseThrow(),
              labels.alive()));
    }
    DeviceReport report =
        new DeviceReport(
            hostname,
            info.uuid(),
            info.index(),
            info.name(),
            firstSample != null ? firstSample : intervalStart,
            at,
            sampleCount,
            state,
            totalBytes,
            reservedBytes,
            used.toStats().orElse(Stats.of(lastUsedBytes)),
            processes,
            gpuUtilization.toStats(),
            pcieTx.toStats(),
            pcieRx.toStats(),
            nvlinkTx.toStats(),
            nvlinkRx.toStats(),
            temperature.toStats(),
            power.toStats());
    resetInterval();
    return report;
  }

  private void resetInterval() {
    firstSample = null;
    sampleCount = 0;
    used.reset();
    gpuUtilization.reset();
    pcieTx.reset();
    pcieRx.reset();
    nvlinkTx.reset();
    nvlinkRx.reset();
    temperature.reset();
    power.reset();
    processUsed.clear();
  }

  Optional<Instant> nextAttempt() {
    return state == DeviceState.FAILING ? Optional.of(nextAttempt) : Optional.empty();
  }
}
