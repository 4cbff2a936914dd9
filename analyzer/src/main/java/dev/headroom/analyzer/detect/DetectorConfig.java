package dev.headroom.analyzer.detect;

import java.time.Duration;
import java.util.Objects;

/**
 * Every threshold the detectors use, in one place so the collector, docs/alerts.md and the
 * generated Prometheus rules agree. {@link #defaults()} holds the documented values.
 *
 * @param dangerRatio peak used / usable at or above which a report counts toward danger
 * @param dangerClearRatio below this the danger alert clears (hysteresis: lower than dangerRatio)
 * @param dangerReports consecutive reports at or above dangerRatio before danger is raised
 * @param predictedOomRatio predicted peak / usable at or above which predicted-oom is raised
 * @param leakWarmUp time after a GPU's first report during which the baseline is ignored (the
 *     caching allocator grows to its plateau then)
 * @param leakWindow baseline window: one minimum per window (grown to whole steps when steps are marked);
 *     without step marks it must be longer than a training step
 * @param leakMinFitSpan the trend is judged only over at least this much post-warm-up baseline
 * @param leakMaxFitSpan ... and at most this much (older windows are dropped)
 * @param leakSegments the fit span is cut into this many parts and each must rise too: a one-off
 *     step up rises in one part only
 * @param leakMinSlopeBytesPerMinute slower growth is not reported
 * @param leakMinGrowthBytes growth over the fit span below this is noise
 * @param fragmentationRatio (reserved − allocated) / reserved at or above which memory counts as fragmented
 * @param fragmentationGpuRatio ... but only while the GPU's used / usable is above this
 * @param fragmentationSamples consecutive allocator samples meeting both before it is raised
 * @param deviationOverFactor observed peak above predicted × this raises deviation
 * @param deviationUnderFactor observed peak below predicted × this raises deviation, after
 * @param deviationMinObserved ... the GPU has been observed this long (the peak comes late)
 * @param deadProcessReports consecutive reports showing memory held by a dead process
 * @param xidQuiet an Xid alert resolves after this long without another Xid on the GPU
 * @param silentIntervals agent-silent after this many report intervals without a frame
 * @param defaultReportInterval report interval assumed until an agent's reports show theirs
 */
public record DetectorConfig(
    double dangerRatio,
    double dangerClearRatio,
    int dangerReports,
    double predictedOomRatio,
    Duration leakWarmUp,
    Duration leakWindow,
    Duration leakMinFitSpan,
    Duration leakMaxFitSpan,
    int leakSegments,
    long leakMinSlopeBytesPerMinute,
    long leakMinGrowthBytes,
    double fragmentationRatio,
    double fragmentationGpuRatio,
    int fragmentationSamples,
    double deviationOverFactor,
    double deviationUnderFactor,
    Duration deviationMinObserved,
    int deadProcessReports,
    Duration xidQuiet,
    int silentIntervals,
    Duration defaultReportInterval) {

  private static final long MIB = 1L << 20;

  public DetectorConfig {
    requireRatio("dangerRatio", dangerRatio);
    requireRatio("dangerClearRatio", dangerClearRatio);
    if (dangerClearRatio > dangerRatio) {
      throw new IllegalArgumentException(
          "dangerClearRatio " + dangerClearRatio + " must not exceed dangerRatio " + dangerRatio);
    }
    requirePositive("dangerReports", dangerReports);
    requirePositiveRatio("predictedOomRatio", predictedOomRatio);
    requirePositive("leakWarmUp", leakWarmUp, true);
    requirePositive("leakWindow", leakWindow, false);
    requirePositive("leakMinFitSpan", leakMinFitSpan, false);
    requirePositive("leakMaxFitSpan", leakMaxFitSpan, false);
    if (leakMaxFitSpan.compareTo(leakMinFitSpan) < 0) {
      throw new IllegalArgumentException("leakMaxFitSpan " + leakMaxFitSpan + " < leakMinFitSpan " + leakMinFitSpan);
    }
    requirePositive("leakSegments", leakSegments);
    requirePositive("leakMinSlopeBytesPerMinute", leakMinSlopeBytesPerMinute);
    if (leakMinGrowthBytes < 0) {
      throw new IllegalArgumentException("leakMinGrowthBytes must be >= 0, got " + leakMinGrowthBytes);
    }
    requireRatio("fragmentationRatio", fragmentationRatio);
    requireRatio("fragmentationGpuRatio", fragmentationGpuRatio);
    requirePositive("fragmentationSamples", fragmentationSamples);
    if (deviationOverFactor <= 1.0) {
      throw new IllegalArgumentException("deviationOverFactor must be > 1, got " + deviationOverFactor);
    }
    if (deviationUnderFactor <= 0 || deviationUnderFactor >= 1.0) {
      throw new IllegalArgumentException("deviationUnderFactor must be in (0, 1), got " + deviationUnderFactor);
    }
    requirePositive("deviationMinObserved", deviationMinObserved, true);
    requirePositive("deadProcessReports", deadProcessReports);
    requirePositive("xidQuiet", xidQuiet, false);
    requirePositive("silentIntervals", silentIntervals);
    requirePositive("defaultReportInterval", defaultReportInterval, false);
  }

  /** The documented defaults (docs/alerts.md). */
  public static DetectorConfig defaults() {
    return new DetectorConfig(
        0.90,
        0.85,
        2,
        0.90,
        Duration.ofMinutes(2),
        // 30 s: a window must hold a sawtooth trough, so steps of up to 30 s need no step marks (with
        // marks windows grow to whole steps); a sidecar without the reporter has no marks, and large
        // models step that slowly. 15 s windows would find a noisy leak a little sooner (simulated:
        // sd 0.51 σ per 30 s window, 0.58 σ per 15 s, so a slope over the same span is ~20 % surer)
        // but miss the troughs of 15-30 s steps.
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Duration.ofMinutes(30),
        3,
        5 * MIB,
        64 * MIB,
        0.20,
        0.80,
        2,
        1.15,
        0.5,
        Duration.ofMinutes(5),
        2,
        Duration.ofMinutes(30),
        3,
        Duration.ofSeconds(1));
  }

  /** These thresholds with another danger ratio; the clear ratio keeps its distance below it. */
  public DetectorConfig withDangerRatio(double ratio) {
    double gap = dangerRatio - dangerClearRatio;
    return new DetectorConfig(
        ratio, Math.max(0.0, ratio - gap), dangerReports, ratio, leakWarmUp, leakWindow, leakMinFitSpan,
        leakMaxFitSpan, leakSegments, leakMinSlopeBytesPerMinute, leakMinGrowthBytes, fragmentationRatio,
        fragmentationGpuRatio, fragmentationSamples, deviationOverFactor, deviationUnderFactor,
        deviationMinObserved, deadProcessReports, xidQuiet, silentIntervals, defaultReportInterval);
  }

  private static void requireRatio(String name, double v) {
    if (!(v > 0 && v <= 1.0)) {
      throw new IllegalArgumentException(name + " must be in (0, 1], got " + v);
    }
  }

  private static void requirePositiveRatio(String name, double v) {
    if (!(v > 0 && Double.isFinite(v))) {
      throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }
  }

  private static void requirePositive(String name, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }
  }

  private static void requirePositive(String name, Duration d, boolean zeroAllowed) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || (!zeroAllowed && d.isZero())) {
      throw new IllegalArgumentException(name + " must be " + (zeroAllowed ? ">= 0" : "> 0") + ", got " + d);
    }
  }
}
