package dev.headroom.nvml.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A training run inside a simulated process, standing in for the training process's reporter: the
 * agent's {@code --simulate} mode turns {@link #allocatorAt}, {@link #stepAt} and {@link
 * #runSpecJson} into the observations a real reporter would post.
 *
 * <p>Readings are pure functions of the scenario and the instant, except the two peaks, which are
 * the maxima since the process started (sampled on the device's scan grid). Thread-safe.
 */
public final class SimulatedRun {
  private final DeviceModel device;
  private final int processIndex;
  private final ProcessModel process;
  private final Scenario.Run run;
  private final SimulationClock clock;
  private final String hostName;
  private final int deviceIndexOnHost;
  private final double stepSeconds;

  private double peakScannedTo = Double.NEGATIVE_INFINITY;
  private double peakAllocated;
  private double peakReserved;

  SimulatedRun(
      DeviceModel device, int processIndex, SimulationClock clock, String hostName, int deviceIndexOnHost) {
    this.device = device;
    this.processIndex = processIndex;
    this.process = device.processes.get(processIndex);
    this.run = process.spec.run();
    this.clock = clock;
    this.hostName = hostName;
    this.deviceIndexOnHost = deviceIndexOnHost;
    this.stepSeconds = stepSecondsOf(process.spec);
  }

  private static double stepSecondsOf(Scenario.Process spec) {
    if (spec.run().stepPeriod() != null) {
      return spec.run().stepPeriod().seconds();
    }
    for (CurvePart part : spec.memory()) {
      if (part instanceof CurvePart.Sawtooth s) {
        return s.period().seconds();
      }
    }
    return 1.0;
  }

  public String runId() {
    return run.id();
  }

  /** The rank within the run: the scenario's {@code rank} (default 0) plus the device copy index. */
  public int rank() {
    return (run.rank() == null ? 0 : run.rank()) + process.copyIndex;
  }

  public long pid() {
    return process.pid;
  }

  public String hostName() {
    return hostName;
  }

  public String deviceUuid() {
    return device.info.uuid();
  }

  /** The framework's device ordinal (what {@code torch.cuda.current_device()} would say). */
  public int cudaDevice() {
    return run.cudaDevice() == null ? deviceIndexOnHost : run.cudaDevice();
  }

  /** The run spec exactly as the scenario gave it, as a compact JSON object ({@code {}} if none). */
  public String runSpecJson() {
    return run.spec() == null ? "{}" : run.spec().toString();
  }

  public Duration stepPeriod() {
    return TimeSpan.ofSeconds(stepSeconds).toDuration();
  }

  public Instant startedAt() {
    return clock.instantAt(process.startSeconds);
  }

  /** Whether the process is on the GPU at {@code at}. */
  public boolean aliveAt(Instant at) {
    return device.aliveAt(processIndex, clock.secondsAt(at));
  }

  /** The training step running at {@code at} (0 is the first), empty when the process is not alive. */
  public OptionalLong stepAt(Instant at) {
    double t = clock.secondsAt(at);
    if (!device.aliveAt(processIndex, t)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of((long) Math.floor((t - process.startSeconds) / stepSeconds));
  }

  /** When step {@code step} began. */
  public Instant stepStart(long step) {
    return clock.instantAt(process.startSeconds + step * stepSeconds);
  }

  /** The allocator's statistics at {@code at}, empty when the process is not alive then. */
  public Optional<AllocatorState> allocatorAt(Instant at) {
    double t = clock.secondsAt(at);
    if (!device.aliveAt(processIndex, t)) {
      return Optional.empty();
    }
    return Optional.of(stateAt(t, 0));
  }

  /**
   * How the process ended, once it has by {@code now}; empty while it runs (or has not started).
   */
  public Optional<RunEnd> end(Instant now) {
    double t = clock.secondsAt(now);
    double end = device.endSeconds(processIndex, t);
    if (end > t) {
      return Optional.empty();
    }
    boolean oom = device.endReason(processIndex, t) == DeviceModel.EndReason.OUT_OF_MEMORY;
    return Optional.of(new RunEnd(clock.instantAt(end), oom, stateAt(end, oom ? 1 : 0)));
  }

  private synchronized AllocatorState stateAt(double t, long numOoms) {
    double[] now = splitAt(t);
    updatePeaks(t, now);
    double allocated = now[0];
    double reserved = now[1];
    double cached = reserved - allocated;
    double inactiveSplit = cached * run.allocator().inactiveSplitFraction();
    return new AllocatorState(
        clock.instantAt(t),
        Math.round(allocated),
        Math.round(peakAllocated),
        Math.round(reserved),
        Math.round(peakReserved),
        Math.round(allocated),
        Math.round(inactiveSplit),
        OptionalLong.of(Math.round(cached - inactiveSplit)),
        retriesAt(t),
        numOoms);
  }

  /** {allocated, reserved} at {@code t}: reserved is the process's memory less the context. */
  private double[] splitAt(double t) {
    Scenario.Allocator model = run.allocator();
    double reserved = Math.max(0, process.bytesAt(t) - model.contextBytes().bytes());
    List<CurvePart> curve = model.allocated();
    double allocated =
        curve.isEmpty()
            ? reserved * (1 - model.cacheFraction())
            : Math.min(reserved, ProcessModel.curveAt(curve, t - process.startSeconds));
    return new double[] {allocated, reserved};
  }

  private void updatePeaks(double t, double[] now) {
    if (t < peakScannedTo) {
      peakScannedTo = Double.NEGATIVE_INFINITY;
      peakAllocated = 0;
      peakReserved = 0;
    }
    double grid = device.gridSeconds;
    double from = Math.max(process.startSeconds, peakScannedTo);
    long first = (long) Math.ceil(from / grid);
    long last = (long) Math.floor(t / grid);
    for (long k = first; k <= last; k++) {
      double[] v = splitAt(k * grid);
      peakAllocated = Math.max(peakAllocated, v[0]);
      peakReserved = Math.max(peakReserved, v[1]);
    }
    peakAllocated = Math.max(peakAllocated, now[0]);
    peakReserved = Math.max(peakReserved, now[1]);
    peakScannedTo = t;
  }

  private long retriesAt(double t) {
    Scenario.Retries retries = run.allocator().allocRetries();
    if (retries == null) {
      return 0;
    }
    double minutes = Math.max(0, t - process.startSeconds - retries.start().seconds()) / 60;
    return (long) Math.floor(retries.perMinute() * minutes);
  }
}
