package dev.headroom.nvml.sim;

import dev.headroom.nvml.DeviceInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One simulated GPU: its processes, and which of them are alive at a given time.
 *
 * <p>Out-of-memory crashes that the scenario does not fix in time are found by scanning the
 * scenario on a fixed grid from t = 0: at the first grid point where the processes together would
 * need more than the usable memory, the one whose memory grew the most since the previous point
 * (the one allocating) dies. Because the grid does not depend on when or how often the device is
 * read, the crash times — and so every reading — are a pure function of the scenario and the
 * instant. The scan is lazy and only ever moves forward. Thread-safe.
 */
final class DeviceModel {

  /** Why a process stopped. */
  enum EndReason {
    EXITED,
    OUT_OF_MEMORY
  }

  /** A process on the device at one instant. */
  record Resident(long pid, long usedBytes, ProcessModel model) {}

  final DeviceInfo info;
  final GpuType type;
  final long totalBytes;
  final long reservedBytes;
  final List<ProcessModel> processes;
  final Scenario.Churn churn;
  final double lostAtSeconds;
  final double gridSeconds;
  /** First churn PID of this copy: copies of a {@code count: N} block must not share PIDs. */
  final long churnPidBase;

  static final long CHURN_PIDS_PER_COPY = 100_000;

  private final double[] autoOomSeconds;
  private long lastScannedPoint = -1;

  DeviceModel(DeviceInfo info, Scenario.Device spec, List<ProcessModel> processes, int copyIndex) {
    this.info = info;
    this.type = spec.type();
    this.totalBytes = spec.effectiveTotalBytes();
    this.reservedBytes = spec.effectiveReservedBytes();
    this.processes = List.copyOf(processes);
    this.churn = spec.churn();
    this.churnPidBase = churn == null ? 0 : churn.firstPid() + copyIndex * CHURN_PIDS_PER_COPY;
    this.lostAtSeconds = spec.lostAt() == null ? Double.POSITIVE_INFINITY : spec.lostAt().seconds();
    this.autoOomSeconds = new double[processes.size()];
    Arrays.fill(autoOomSeconds, Double.POSITIVE_INFINITY);
    this.gridSeconds = gridFor(processes, churn);
  }

  /** Fine enough to see every sawtooth peak and spike (1/20 of the shortest), at most 1 s. */
  private static double gridFor(List<ProcessModel> processes, Scenario.Churn churn) {
    double shortest = churn == null ? Double.POSITIVE_INFINITY : churn.lifetime().seconds();
    for (ProcessModel p : processes) {
      shortest = Math.min(shortest, p.shortestFeatureSeconds());
    }
    return Math.max(0.005, Math.min(1.0, shortest / 20));
  }

  long usableBytes() {
    return totalBytes - reservedBytes;
  }

  /** When process {@code i} ends (+∞ if not within the scanned time) and why. */
  synchronized double endSeconds(int i, double now) {
    scanTo(now);
    ProcessModel p = processes.get(i);
    return Math.min(p.exitSeconds, Math.min(p.forcedOomSeconds, autoOomSeconds[i]));
  }

  synchronized EndReason endReason(int i, double now) {
    scanTo(now);
    ProcessModel p = processes.get(i);
    return p.exitSeconds <= Math.min(p.forcedOomSeconds, autoOomSeconds[i])
        ? EndReason.EXITED
        : EndReason.OUT_OF_MEMORY;
  }

  synchronized boolean aliveAt(int i, double t) {
    return t >= processes.get(i).startSeconds && t < endSeconds(i, t);
  }

  /** Processes holding memory at {@code t}, scenario processes first, then churn. */
  synchronized List<Resident> residentsAt(double t) {
    scanTo(t);
    List<Resident> out = new ArrayList<>();
    for (int i = 0; i < processes.size(); i++) {
      if (aliveKnown(i, t)) {
        ProcessModel p = processes.get(i);
        out.add(new Resident(p.pid, Math.round(p.bytesAt(t)), p));
      }
    }
    if (churn != null) {
      forEachChurnInstance(t, k -> out.add(new Resident(churnPidBase + k, churn.bytes().bytes(), null)));
    }
    return out;
  }

  /** Seconds process {@code i} has been alive by {@code t}. */
  synchronized double aliveSecondsBy(int i, double t) {
    ProcessModel p = processes.get(i);
    double end = Math.min(t, endSeconds(i, t));
    return Math.max(0, end - p.startSeconds);
  }

  private boolean aliveKnown(int i, double t) {
    ProcessModel p = processes.get(i);
    double end = Math.min(p.exitSeconds, Math.min(p.forcedOomSeconds, autoOomSeconds[i]));
    return t >= p.startSeconds && t < end;
  }

  private interface ChurnVisitor {
    void visit(long k);
  }

  private void forEachChurnInstance(double t, ChurnVisitor visitor) {
    double since = t - churn.start().seconds();
    if (since < 0) {
      return;
    }
    double every = churn.every().seconds();
    long last = (long) Math.floor(since / every);
    long first = Math.max(0, (long) Math.floor((since - churn.lifetime().seconds()) / every) + 1);
    for (long k = first; k <= last; k++) {
      if (since - k * every < churn.lifetime().seconds()) {
        visitor.visit(k);
      }
    }
  }

  private double churnBytesAt(double t) {
    if (churn == null) {
      return 0;
    }
    double[] sum = {0};
    forEachChurnInstance(t, k -> sum[0] += churn.bytes().bytes());
    return sum[0];
  }

  /** Runs the OOM scan over every grid point up to {@code t}. */
  private void scanTo(double t) {
    long target = (long) Math.floor(t / gridSeconds);
    for (long k = lastScannedPoint + 1; k <= target; k++) {
      scanPoint(k * gridSeconds);
    }
    lastScannedPoint = Math.max(lastScannedPoint, target);
  }

  private void scanPoint(double tk) {
    double usable = usableBytes();
    double total = churnBytesAt(tk);
    for (int i = 0; i < processes.size(); i++) {
      if (aliveKnown(i, tk)) {
        total += processes.get(i).bytesAt(tk);
      }
    }
    while (total > usable) {
      int victim = -1;
      double bestGrowth = Double.NEGATIVE_INFINITY;
      double bestBytes = -1;
      for (int i = 0; i < processes.size(); i++) {
        ProcessModel p = processes.get(i);
        if (!p.spec.oomOnOverflow() || !aliveKnown(i, tk)) {
          continue;
        }
        double bytes = p.bytesAt(tk);
        double growth = bytes - p.bytesAt(tk - gridSeconds);
        if (growth > bestGrowth || (growth == bestGrowth && bytes > bestBytes)) {
          victim = i;
          bestGrowth = growth;
          bestBytes = bytes;
        }
      }
      if (victim < 0) {
        return; // nobody may die: the reading is clamped to the usable memory instead
      }
      autoOomSeconds[victim] = tk;
      total -= bestBytes;
    }
  }
}
