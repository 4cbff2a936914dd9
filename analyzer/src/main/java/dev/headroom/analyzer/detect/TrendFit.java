package dev.headroom.analyzer.detect;

import java.util.Arrays;

/**
 * A Theil–Sen line: the median of all pairwise slopes, then the median intercept. Robust to up to
 * ~29 % outliers, which is why a leak fit survives evaluation bumps and noisy minima where least
 * squares would not.
 *
 * @param slopePerSecond y units per second
 * @param intercept y at x = 0
 */
record TrendFit(double slopePerSecond, double intercept) {

  /** y at {@code x} seconds. */
  double at(double x) {
    return intercept + slopePerSecond * x;
  }

  /**
   * Fits {@code ys[i]} at {@code xs[i]} seconds for i in [from, to). O(n²) in the points: callers keep n
   * in the tens (one point per baseline window).
   */
  static TrendFit theilSen(double[] xs, double[] ys, int from, int to) {
    int n = to - from;
    if (n < 2) {
      throw new IllegalArgumentException("need at least 2 points, got " + n);
    }
    double[] slopes = new double[n * (n - 1) / 2];
    int k = 0;
    for (int i = from; i < to; i++) {
      for (int j = i + 1; j < to; j++) {
        double dx = xs[j] - xs[i];
        if (dx > 0) {
          slopes[k++] = (ys[j] - ys[i]) / dx;
        }
      }
    }
    if (k == 0) {
      throw new IllegalArgumentException("all points share one x");
    }
    double slope = median(slopes, k);
    double[] intercepts = new double[n];
    for (int i = 0; i < n; i++) {
      intercepts[i] = ys[from + i] - slope * xs[from + i];
    }
    return new TrendFit(slope, median(intercepts, n));
  }

  /**
   * Mann–Kendall trend statistic of {@code ys[from..to)} taken in index (= time) order, as a
   * standard normal score: S = Σ sign(y_j − y_i) over pairs i &lt; j, divided by its standard
   * deviation under "no trend" (sqrt(n(n−1)(2n+5)/18)), with the usual continuity correction of 1.
   * Distribution-free: it needs only that noise is exchangeable, not its size or shape, so skewed
   * window minima need no sigma estimate. Ties count 0 and the variance is not reduced for them,
   * which only makes the score smaller (conservative). O(n²) without allocation.
   */
  static double kendallZ(double[] ys, int from, int to) {
    int n = to - from;
    if (n < 2) {
      return 0.0;
    }
    long s = 0;
    for (int i = from; i < to; i++) {
      for (int j = i + 1; j < to; j++) {
        s += (long) Math.signum(ys[j] - ys[i]);
      }
    }
    double variance = n * (n - 1.0) * (2.0 * n + 5.0) / 18.0;
    double corrected = s > 0 ? s - 1 : s < 0 ? s + 1 : 0;
    return corrected / Math.sqrt(variance);
  }

  static double median(double[] values, int count) {
    double[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    int mid = count / 2;
    return count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
  }
}
