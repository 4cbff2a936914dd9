package dev.headroom.analyzer.detect;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Fragmentation, from the training process's allocator statistics: reserved-but-unallocated at or
 * above {@code fragmentationRatio} of reserved while the GPU is above {@code fragmentationGpuRatio}
 * full, for {@code fragmentationSamples} samples in a row — or {@code num_alloc_retries} rising, the
 * allocator's own sign that it had to flush its cache to satisfy a request. Either way the cure
 * PyTorch recommends is expandable segments. One GPU; not thread-safe.
 */
public final class FragmentationDetector {
  private final DetectorConfig config;
  private double gpuRatio;
  private AllocatorSample previous;
  private AllocatorSample last;
  private int samplesInARow;
  private long retriesRisenBy;
  private int samplesSinceRise = Integer.MAX_VALUE;

  /** A retry keeps the alert up this many samples, so a rise every few samples does not flap it. */
  private static final int RETRY_MEMORY_SAMPLES = 10;

  public FragmentationDetector(DetectorConfig config) {
    this.config = config;
  }

  public void observe(DeviceReport report) {
    if (report.state() == DeviceState.OK && report.sampleCount() > 0) {
      gpuRatio = report.peakRatio();
    }
  }

  public void observe(AllocatorSample sample) {
    previous = last;
    last = sample;
    boolean sameProcess = previous != null && previous.pid() == sample.pid();
    // A restarted process starts its counters at zero again: only a rise within one process counts.
    long risen = sameProcess ? Math.max(0, sample.numAllocRetries() - previous.numAllocRetries()) : 0;
    if (risen > 0) {
      retriesRisenBy = risen;
      samplesSinceRise = 0;
    } else if (samplesSinceRise < Integer.MAX_VALUE) {
      samplesSinceRise++;
    }
    samplesInARow = cachedFraction(sample) >= config.fragmentationRatio() && gpuRatio > config.fragmentationGpuRatio()
        ? samplesInARow + 1
        : 0;
  }

  public Optional<Condition> condition() {
    if (last == null) {
      return Optional.empty();
    }
    boolean stranded = samplesInARow >= config.fragmentationSamples();
    boolean retrying = samplesSinceRise < RETRY_MEMORY_SAMPLES;
    if (!stranded && !retrying) {
      return Optional.empty();
    }
    double fraction = cachedFraction(last);
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("reservedBytes", (double) last.reservedBytes());
    values.put("allocatedBytes", (double) last.allocatedBytes());
    values.put("reservedUnallocatedBytes", (double) last.reservedUnallocatedBytes());
    values.put("reservedUnallocatedRatio", fraction);
    values.put("inactiveSplitBytes", (double) last.inactiveSplitBytes());
    values.put("gpuRatio", gpuRatio);
    values.put("numAllocRetries", (double) last.numAllocRetries());
    String explanation =
        retrying
            ? "The allocator had to free its cache and retry " + retriesRisenBy
                + " time(s) in one sample interval (num_alloc_retries " + last.numAllocRetries()
                + "): requests no longer fit in the reserved segments"
            : Quantities.bytes(last.reservedUnallocatedBytes()) + " (" + Quantities.percent(fraction)
                + " of reserved) is reserved but unallocated while the GPU is "
                + Quantities.percent(gpuRatio) + " full";
    String action =
        "Set PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True (PyTorch ≥ 2.1) and restart the run; "
            + "on older versions try max_split_size_mb";
    return Optional.of(
        new Condition(
            AlertKind.FRAGMENTATION, retrying ? Severity.WARNING : Severity.INFO, values, explanation, action));
  }

  private static double cachedFraction(AllocatorSample s) {
    return s.reservedBytes() <= 0 ? 0.0 : (double) s.reservedUnallocatedBytes() / s.reservedBytes();
  }
}
