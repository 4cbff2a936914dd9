package dev.headroom.analyzer.detect;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.analyzer.model.StepMark;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A simulated training run on one GPU, as an agent would report it: samples at 10 Hz folded into
 * 1-second reports (min/max/last), optionally with step marks. Memory = an allocator warm-up that
 * climbs in stairs to the baseline, a per-step sawtooth on top, Gaussian noise, evaluation phases
 * every hour with their own (lower, flatter) pattern and cache they leave behind once (a one-off
 * step up), and an optional linear leak of the baseline. Seeded, so every run is the same.
 */
final class TrainingTrace {
  static final long MIB = 1L << 20;
  static final long GIB = 1L << 30;
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  long totalBytes = 80 * GIB;
  long driverReservedBytes = 512 * MIB;
  long contextBytes = 600 * MIB;
  long baselineBytes = 40 * GIB;
  long sawtoothBytes = 18 * GIB;
  Duration warmUp = Duration.ofSeconds(90);
  int warmUpStairs = 5;
  double stepSeconds = 1.7;
  double noiseSigmaBytes = 8 * MIB;
  long leakBytesPerMinute;
  Duration evalEvery = Duration.ofHours(1);
  Duration evalLength = Duration.ofMinutes(3);
  long evalCacheLeftBytes = 1536 * MIB;
  boolean stepMarks;
  long seed = 42;
  /** A one-off rise of the baseline at {@link #stepUpAt} that stays (0: none). */
  long stepUpBytes;
  Duration stepUpAt = Duration.ofMinutes(40);

  private static final int SAMPLES_PER_REPORT = 10;

  long usableBytes() {
    return totalBytes - driverReservedBytes;
  }

  /** Time into the run at which the sawtooth's peak first reaches usable memory (the true OOM). */
  double trueOomSeconds() {
    double headroom = usableBytes() - (contextBytes + baselineBytes + sawtoothBytes + (double) evalCacheLeftBytes);
    return headroom / (leakBytesPerMinute / 60.0);
  }

  /** Memory without noise at {@code t} seconds into the run. */
  double usedAt(double t) {
    double warm = Math.min(1.0, Math.floor(t / warmUp.toSeconds() * warmUpStairs) / warmUpStairs);
    double base = contextBytes + warm * baselineBytes + leakBytesPerMinute * t / 60.0;
    if (t >= evalEvery.toSeconds()) {
      base += evalCacheLeftBytes; // the first evaluation leaves cache behind, once
    }
    if (t >= stepUpAt.toSeconds()) {
      base += stepUpBytes;
    }
    double phase = (t % stepSeconds) / stepSeconds;
    if (inEval(t)) {
      return base + 0.3 * sawtoothBytes * (phase < 0.5 ? 1 : 0) + 512 * MIB;
    }
    return base + warm * sawtoothBytes * phase;
  }

  boolean inEval(double t) {
    double sinceEval = t % evalEvery.toSeconds();
    return t >= evalEvery.toSeconds() && sinceEval < evalLength.toSeconds();
  }

  /** Feeds {@code duration} of the run, one observation at a time, in time order. */
  void play(Duration duration, Consumer<Observation> sink) {
    Random random = new Random(seed);
    long reports = duration.toSeconds();
    long nextStep = 1;
    for (long r = 0; r < reports; r++) {
      Stats stats = null;
      for (int s = 1; s <= SAMPLES_PER_REPORT; s++) {
        double t = r + (double) s / SAMPLES_PER_REPORT;
        long used = (long) Math.max(0, usedAt(t) + random.nextGaussian() * noiseSigmaBytes);
        used = Math.min(used, usableBytes());
        stats = stats == null ? Stats.of(used) : stats.with(used);
        if (stepMarks && t >= nextStep * stepSeconds) {
          sink.accept(new StepMark(at(t), 4242, nextStep, inEval(t) ? "eval" : "train"));
          nextStep++;
        }
      }
      sink.accept(report(at(r), at(r + 1), stats));
    }
  }

  DeviceReport report(Instant from, Instant to, Stats used) {
    return new DeviceReport(
        "node-1", "GPU-sim-0", 0, "Simulated H100 80GB", from, to, SAMPLES_PER_REPORT, DeviceState.OK,
        totalBytes, driverReservedBytes, used, List.of(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  static Instant at(double seconds) {
    return START.plusMillis(Math.round(seconds * 1000));
  }
}
