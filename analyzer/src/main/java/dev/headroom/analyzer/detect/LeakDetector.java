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
 *   <li>The slope must be known well: at least {@link #SLOPE_SCORE} standard errors (noise sigma /
 *       sqrt(Σ(x − x̄)²)), so the slope and time to OOM it reports are right to about ±20 %.
 *   <li>A one-off step up (an evaluation that leaves cache behind) also gives a positive slope, so
 *       each half of the span must rise significantly <em>on its own</em> ({@link #HALF_SCORE}
 *       standard errors of that half's slope) and each of {@code leakSegments} parts at half the
 *       overall slope or more: a step lies in one half at most and leaves the other flat.
 *   <li>The noise sigma is that of one window's minimum: the larger of a robust sigma of successive
 *       differences over all windows kept and 1.4826 × the median absolute residual of the fit (a
 *       step's residuals are large). The tests compare it with the error of a slope fitted to all
 *       the windows of a part, which shrinks with their number — not with a single window's rise.
 *   <li>Once raised, the alert holds until the slope of the last 2 × {@code leakMinFitSpan} falls
 *       below half the minimum (hysteresis).
 * </ul>
 *
 * <p>Work per closed window is O(n²) in the n ≤ leakMaxFitSpan / leakWindow windows kept (Theil–Sen
 * pairs), nothing per report beyond a min/max; the pairwise slopes go into one reused buffer. Time
 * to OOM is forecast from the fitted baseline now plus the median step amplitude (window max −
 * min), against usable memory. One GPU; not thread-safe.
 */
public final class LeakDetector {
  /** One window's baseline (min) and peak (max) of used memory. */
  record BaselinePoint(Instant at, long minBytes, long maxBytes) {}

  /** The trend as last fitted: slope, baseline now, forecast peak and time to OOM. */
  public record Estimate(
      double slopeBytesPerMinute, double baselineBytes, double forecastPeakBytes, long usableBytes,
      Optional<Duration> timeToOom, Duration fitSpan) {}

  /**
   * Each of {@code leakSegments} parts must rise at least at this share of the whole span's slope:
   * a leak's parts all rise at about the whole slope (noise moves a part's slope, hence only half
   * is asked), while next to a one-off step the flat parts rise at about zero.
   */
  private static final double SEGMENT_SLOPE_SHARE = 0.5;
  /**
   * Each half's Theil–Sen slope must be this many of its standard errors above zero. A one-off
   * step leaves at least one half flat, and a flat half gets there by noise alone 0.02 % of the
   * time (one-sided normal tail). Steps and evaluation bumps pass a half boundary in every span
   * length once an hour, so this chance is paid often: at 2.5 (0.6 %) one in five simulated healthy
   * days with σ = 128 MiB raised a leak at an evaluation bump; 3.5 cost under a minute of
   * detection time in the same runs.
   */
  private static final double HALF_SCORE = 3.5;
  /**
   * The whole span's slope must be this many standard errors: its error is then ≤ 10 % of it, so
   * the reported slope (and time to OOM) is within ±20 % at two standard errors — raising on the
   * halves' test alone reported 20 MiB/min leaks as 25–29 MiB/min in noisy memory.
   */
  private static final double SLOPE_SCORE = 10.0;

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
  /** Pairwise slopes and intercepts of the fits; grows to n(n − 1)/2 once, then is reused. */
  private double[] scratch = new double[0];
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
    if (scratch.length < Math.max(n, n * (n - 1) / 2)) {
      scratch = new double[Math.max(n, n * (n - 1) / 2)];
    }
    // Judge the most recent minimum span first, then spans twice, four times... as long: a leak that
    // starts late in a flat history shows in the recent span before it dominates the whole one.
    // Once one qualifies, longer ones that still qualify are preferred: more windows, a surer slope.
    double noiseSigma = differenceNoiseSigma(ys);
    TrendFit chosen = null;
    int chosenFrom = 0;
    for (double span = minSpanSeconds; ; span *= 2) {
      int from = firstIndexWithin(xs, xs[n - 1] - span);
      if (n - from >= 3 * config.leakSegments() && roughRise(ys, from) >= config.leakMinGrowthBytes() / 2.0) {
        TrendFit fit = TrendFit.theilSen(xs, ys, from, n, scratch);
        if (qualifies(xs, ys, from, fit, noiseSigma)) {
          chosen = fit;
          chosenFrom = from;
        } else if (chosen != null) {
          break;
        }
      } else if (chosen != null) {
        break;
      }
      if (from == 0) {
        break;
      }
    }
    // The recent trend decides when a raised leak is over: judging the whole span instead would let
    // the flat history before a late leak clear it again and again.
    int recentFrom = firstIndexWithin(xs, xs[n - 1] - 2 * minSpanSeconds);
    TrendFit recent = TrendFit.theilSen(xs, ys, recentFrom, n, scratch);
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

  private boolean qualifies(double[] xs, double[] ys, int from, TrendFit fit, double noiseSigma) {
    int n = xs.length;
    double slopePerMinute = fit.slopePerSecond() * 60;
    double growth = fit.slopePerSecond() * (xs[n - 1] - xs[from]);
    if (slopePerMinute < config.leakMinSlopeBytesPerMinute() || growth < config.leakMinGrowthBytes()) {
      return false;
    }
    double sigma = Math.max(noiseSigma, residualSigma(xs, ys, from, fit));
    int middle = from + (n - from) / 2;
    return score(fit.slopePerSecond(), xs, from, n, sigma) >= SLOPE_SCORE
        && score(slope(xs, ys, from, middle), xs, from, middle, sigma) >= HALF_SCORE
        && score(slope(xs, ys, middle, n), xs, middle, n, sigma) >= HALF_SCORE
        && everySegmentKeepsTheSlope(xs, ys, from, fit);
  }

  /**
   * The baseline's noise from all windows kept: a robust sigma of successive differences, which a
   * linear trend only shifts and a single step barely moves — so a short span cannot look calm
   * just because its few points happen to line up.
   */
  private static double differenceNoiseSigma(double[] ys) {
    int n = ys.length - 1;
    double[] diffs = new double[n];
    for (int i = 0; i < n; i++) {
      diffs[i] = ys[i + 1] - ys[i];
    }
    double center = TrendFit.median(diffs, n);
    for (int i = 0; i < n; i++) {
      diffs[i] = Math.abs(diffs[i] - center);
    }
    return 1.4826 * TrendFit.median(diffs, n) / Math.sqrt(2);
  }

  /** 1.4826 × the median absolute residual around the fit: a step's residuals are large, a leak's only noise. */
  private static double residualSigma(double[] xs, double[] ys, int start, TrendFit fit) {
    int n = xs.length - start;
    double[] residuals = new double[n];
    for (int i = 0; i < n; i++) {
      residuals[i] = Math.abs(ys[start + i] - fit.at(xs[start + i]));
    }
    return 1.4826 * TrendFit.median(residuals, n);
  }

  /**
   * {@code slopePerSecond} over {@code [from, to)} in units of its standard error: sigma / sqrt(Σ (x −
   * x̄)²) is the least-squares slope's error, and Theil–Sen's is only a few per cent larger on
   * Gaussian noise. It is the error of a slope fitted to all the part's windows together, so it
   * shrinks as the part gets more of them.
   */
  private static double score(double slopePerSecond, double[] xs, int from, int to, double sigma) {
    if (sigma <= 0) {
      // Noise-free minima (synthetic input): any rise is certain, none is not.
      return slopePerSecond > 0 ? Double.POSITIVE_INFINITY : 0.0;
    }
    return slopePerSecond * Math.sqrt(sxx(xs, from, to)) / sigma;
  }

  private double slope(double[] xs, double[] ys, int from, int to) {
    return TrendFit.theilSen(xs, ys, from, to, scratch).slopePerSecond();
  }

  /** Σ (x − x̄)² over {@code [from, to)}. */
  private static double sxx(double[] xs, int from, int to) {
    double meanX = 0;
    for (int i = from; i < to; i++) {
      meanX += xs[i];
    }
    meanX /= to - from;
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += (xs[i] - meanX) * (xs[i] - meanX);
    }
    return sum;
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
      double slope = slope(xs, ys, from, to);
      if (slope < SEGMENT_SLOPE_SHARE * overall.slopePerSecond()) {
        return false;
      }
    }
    return true;
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
