package dev.headroom.analyzer.detect;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.StepMark;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Leak: a sustained upward trend of the GPU's <em>baseline</em> — the memory that stays between
 * steps — after the allocator's warm-up.
 *
 * <p>How, and why each part is there:
 *
 * <ul>
 *   <li>The baseline is the minimum used memory per window of {@code leakWindow}. With step marks the
 *       windows end on step boundaries and windows touched by a non-{@code train} phase are dropped,
 *       so evaluation never counts. Minima ignore the per-step sawtooth entirely.
 *   <li>Windows that start inside {@code leakWarmUp} of the GPU's first report are ignored: the
 *       caching allocator climbs to a plateau there.
 *   <li>The trend is a Theil–Sen fit over the last {@code leakMaxFitSpan} (at least {@code
 *       leakMinFitSpan}) of windows, robust to noisy minima and short bumps.
 *   <li>A one-off step up (an evaluation that leaves cache behind) also gives a positive slope, so
 *       the span is cut into {@code leakSegments} parts and each part must rise at half the overall
 *       slope or more, and by three noise sigmas (1.4826 × the median absolute residual of the
 *       fit): a step rises in one part only, a leak in all of them, noise in none by that much.
 *   <li>Once raised, the alert holds until the slope of the last 2 × {@code leakMinFitSpan} falls
 *       below half the minimum (hysteresis).
 * </ul>
 *
 * <p>Time to OOM is forecast from the fitted baseline now plus the median step amplitude (window
 * max − min), against usable memory. One GPU; not thread-safe.
 */
public final class LeakDetector {
  /** One window's baseline (min) and peak (max) of used memory. */
  record BaselinePoint(Instant at, long minBytes, long maxBytes) {}

  /** The trend as last fitted: slope, baseline now, forecast peak and time to OOM. */
  public record Estimate(
      double slopeBytesPerMinute, double baselineBytes, double forecastPeakBytes, long usableBytes,
      Optional<Duration> timeToOom, Duration fitSpan) {}

  /** Each part of the span must rise at least at this share of the whole span's slope ... */
  private static final double SEGMENT_SLOPE_SHARE = 0.5;
  /** Mann–Kendall score each half of the span must reach. */
  private static final double HALF_TREND_Z = Double.parseDouble(System.getProperty("hz", "2.5"));

  private final DetectorConfig config;
  private final Deque<BaselinePoint> points = new ArrayDeque<>();
  private Instant warmUpEndsAt;
  private Instant windowStart;
  private long windowMin = Long.MAX_VALUE;
  private long windowMax = Long.MIN_VALUE;
  private boolean windowOutsideTraining;
  private boolean stepsMarked;
  private long usableBytes;
  private boolean firing;
  private Estimate estimate;

  public LeakDetector(DetectorConfig config) {
    this.config = config;
  }

  public void observe(DeviceReport report) {
    if (report.state() != DeviceState.OK || report.sampleCount() == 0) {
      return;
    }
    if (warmUpEndsAt == null) {
      warmUpEndsAt = report.intervalStart().plus(config.leakWarmUp());
    }
    if (windowStart == null) {
      windowStart = report.intervalStart();
    }
    usableBytes = report.usableBytes();
    windowMin = Math.min(windowMin, report.usedBytes().min());
    windowMax = Math.max(windowMax, report.usedBytes().max());
    // With step marks windows close on them; if marks stop coming, close on time after all.
    Duration closeAfter = stepsMarked ? config.leakWindow().multipliedBy(4) : config.leakWindow();
    if (Duration.between(windowStart, report.at()).compareTo(closeAfter) >= 0) {
      closeWindow(report.at());
    }
  }

  public void observe(StepMark mark) {
    stepsMarked = true;
    if (!"train".equalsIgnoreCase(mark.phase())) {
      windowOutsideTraining = true;
    }
    if (windowStart != null && Duration.between(windowStart, mark.at()).compareTo(config.leakWindow()) >= 0) {
      closeWindow(mark.at());
    }
  }

  private void closeWindow(Instant end) {
    boolean hasData = windowMin != Long.MAX_VALUE;
    if (hasData && !windowOutsideTraining && !windowStart.isBefore(warmUpEndsAt)) {
      points.addLast(new BaselinePoint(end, windowMin, windowMax));
    }
    windowStart = end;
    windowMin = Long.MAX_VALUE;
    windowMax = Long.MIN_VALUE;
    windowOutsideTraining = false;
    Instant oldest = end.minus(config.leakMaxFitSpan());
    while (!points.isEmpty() && points.peekFirst().at().isBefore(oldest)) {
      points.removeFirst();
    }
    evaluate();
  }

  private void evaluate() {
    int n = points.size();
    if (n < 3 * config.leakSegments()) {
      return;
    }
    Instant first = points.peekFirst().at();
    double[] xs = new double[n];
    double[] ys = new double[n];
    double[] amplitudes = new double[n];
    int i = 0;
    for (BaselinePoint p : points) {
      xs[i] = Duration.between(first, p.at()).toMillis() / 1000.0;
      ys[i] = p.minBytes();
      amplitudes[i] = p.maxBytes() - p.minBytes();
      i++;
    }
    double minSpanSeconds = config.leakMinFitSpan().toSeconds();
    if (xs[n - 1] < minSpanSeconds) {
      return;
    }
    // Judge the most recent minimum span first, then spans twice, four times... as long: a leak that
    // starts late in a flat history shows in the recent span before it dominates the whole one.
    TrendFit chosen = null;
    int chosenFrom = 0;
    for (double span = minSpanSeconds; ; span *= 2) {
      int from = firstIndexWithin(xs, xs[n - 1] - span);
      if (n - from >= 3 * config.leakSegments() && roughRise(ys, from) >= config.leakMinGrowthBytes() / 2.0) {
        TrendFit fit = TrendFit.theilSen(xs, ys, from, n);
        if (qualifies(xs, ys, from, fit)) {
          chosen = fit;
          chosenFrom = from;
          break;
        }
      }
      if (from == 0) {
        break;
      }
    }
    // The recent trend decides when a raised leak is over: judging the whole span instead would let
    // the flat history before a late leak clear it again and again.
    int recentFrom = firstIndexWithin(xs, xs[n - 1] - 2 * minSpanSeconds);
    TrendFit recent = TrendFit.theilSen(xs, ys, recentFrom, n);
    if (chosen != null) {
      firing = true;
    } else if (firing && recent.slopePerSecond() * 60 < config.leakMinSlopeBytesPerMinute() / 2.0) {
      firing = false;
    }
    TrendFit fit = chosen != null ? chosen : recent;
    int from = chosen != null ? chosenFrom : recentFrom;
    double baseline = fit.at(xs[n - 1]);
    double forecastPeak = baseline + TrendFit.median(Arrays.copyOfRange(amplitudes, from, n), n - from);
    Optional<Duration> timeToOom = Optional.empty();
    if (fit.slopePerSecond() > 0) {
      double seconds = Math.max(0.0, (usableBytes - forecastPeak) / fit.slopePerSecond());
      timeToOom = Optional.of(Duration.ofSeconds((long) seconds));
    }
    Duration span = Duration.ofMillis((long) ((xs[n - 1] - xs[from]) * 1000));
    estimate = new Estimate(fit.slopePerSecond() * 60, baseline, forecastPeak, usableBytes, timeToOom, span);
  }

  private boolean qualifies(double[] xs, double[] ys, int from, TrendFit fit) {
    int n = xs.length;
    double slopePerMinute = fit.slopePerSecond() * 60;
    double growth = fit.slopePerSecond() * (xs[n - 1] - xs[from]);
    if (Boolean.getBoolean("dbg")) {
      int mid = from + (n - from) / 2;
      System.out.printf("n=%d from=%d span=%.1f slope=%.1f growth=%.0f share=%b z1=%.2f z2=%.2f%n", n, from, (xs[n-1]-xs[from])/60, slopePerMinute/1048576, growth/1048576, everySegmentKeepsTheSlope(xs, ys, from, fit), TrendFit.kendallZ(ys, from, mid), TrendFit.kendallZ(ys, mid, n));
    }
    return slopePerMinute >= config.leakMinSlopeBytesPerMinute()
        && growth >= config.leakMinGrowthBytes()
        && (Boolean.getBoolean("noshare") || everySegmentKeepsTheSlope(xs, ys, from, fit))
        && eachHalfTrendsOnItsOwn(ys, from);
  }

  /**
   * Median of the last three points minus median of the first three: a cheap look before the
   * O(n²) fit, which healthy training (no rise at all) then never pays for.
   */
  private static double roughRise(double[] ys, int from) {
    int n = ys.length;
    return median3(ys[n - 3], ys[n - 2], ys[n - 1]) - median3(ys[from], ys[from + 1], ys[from + 2]);
  }

  private static double median3(double a, double b, double c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }

  private static int firstIndexWithin(double[] xs, double fromX) {
    int i = 0;
    while (i < xs.length - 1 && xs[i] < fromX) {
      i++;
    }
    return i;
  }

  /**
   * True when every part of the span rises at a good share of the whole span's slope: a one-off
   * step up lifts one part only, and the parts either side of it stay flat.
   */
  private boolean everySegmentKeepsTheSlope(double[] xs, double[] ys, int start, TrendFit overall) {
    int n = xs.length - start;
    int segments = config.leakSegments();
    for (int s = 0; s < segments; s++) {
      int from = start + s * n / segments;
      int to = start + (s + 1) * n / segments;
      double slope = TrendFit.theilSen(xs, ys, from, to).slopePerSecond();
      if (slope < SEGMENT_SLOPE_SHARE * overall.slopePerSecond()) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when the first and the second half of the span each show an upward trend that noise
   * alone would rarely give (Mann–Kendall score of that half alone). A single step up lies in one
   * half at most, so the other half is flat and fails; a leak rises in both. Testing the trend of
   * all the points of a half uses every pair of windows, which is why it needs far less rise than
   * asking each part to climb by several sigmas of one window's minimum.
   */
  private static boolean eachHalfTrendsOnItsOwn(double[] ys, int start) {
    int n = ys.length;
    int middle = start + (n - start) / 2;
    return TrendFit.kendallZ(ys, start, middle) >= HALF_TREND_Z && TrendFit.kendallZ(ys, middle, n) >= HALF_TREND_Z;
  }

  /** The last fit, also while not firing (for the API and tests). */
  public Optional<Estimate> estimate() {
    return Optional.ofNullable(estimate);
  }

  public Optional<Condition> condition() {
    if (!firing) {
      return Optional.empty();
    }
    Estimate e = estimate;
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("slopeBytesPerMinute", e.slopeBytesPerMinute());
    values.put("baselineBytes", e.baselineBytes());
    values.put("forecastPeakBytes", e.forecastPeakBytes());
    values.put("usableBytes", (double) e.usableBytes());
    e.timeToOom().ifPresent(t -> values.put("timeToOomSeconds", (double) t.toSeconds()));
    values.put("fitSpanSeconds", (double) e.fitSpan().toSeconds());
    String ttoom = e.timeToOom().map(t -> "out of memory in about " + Quantities.duration(t)).orElse("");
    String explanation =
        String.format(Locale.ROOT, "Baseline memory grows by %s/min", Quantities.bytes(e.slopeBytesPerMinute()))
            + " (over the last " + Quantities.duration(e.fitSpan()) + ", now " + Quantities.bytes(e.baselineBytes())
            + "); at this rate " + ttoom;
    String action =
        "Look for tensors kept across steps: losses accumulated without .item()/.detach(), growing "
            + "caches or lists of outputs; `torch.cuda.memory._record_memory_history()` and a snapshot "
            + "show who allocates";
    boolean soon = e.timeToOom().map(t -> t.compareTo(Duration.ofHours(1)) < 0).orElse(false);
    return Optional.of(
        new Condition(AlertKind.LEAK, soon ? Severity.CRITICAL : Severity.WARNING, values, explanation, action));
  }
}
