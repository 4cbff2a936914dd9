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
   * in the low hundreds (one point per baseline window).
   */
  static TrendFit theilSen(double[] xs, double[] ys, int from, int to) {
    int n = to - from;
    return theilSen(xs, ys, from, to, new double[Math.max(n, n * (n - 1) / 2)]);
  }

  /**
   * The same fit, using {@code scratch} (at least n(n − 1)/2 and n long) for the pairwise slopes
   * and the intercepts instead of allocating: the leak detector refits every window, per GPU.
   */
  static TrendFit theilSen(double[] xs, double[] ys, int from, int to, double[] scratch) {
    int n = to - from;
    if (n < 2) {
      throw new IllegalArgumentException("need at least 2 points, got " + n);
    }
    if (scratch.length < Math.max(n, n * (n - 1) / 2)) {
      throw new IllegalArgumentException("scratch of " + scratch.length + " is too small for " + n + " points");
    }
    int k = 0;
    for (int i = from; i < to; i++) {
      for (int j = i + 1; j < to; j++) {
        double dx = xs[j] - xs[i];
        if (dx > 0) {
          scratch[k++] = (ys[j] - ys[i]) / dx;
        }
      }
    }
    if (k == 0) {
      throw new IllegalArgumentException("all points share one x");
    }
    double slope = medianInPlace(scratch, k);
    for (int i = 0; i < n; i++) {
      scratch[i] = ys[from + i] - slope * xs[from + i];
    }
    return new TrendFit(slope, medianInPlace(scratch, n));
  }

  /**
   * Median of {@code values[0, count)}, which it reorders: quickselect, O(count) on average instead
   * of a sort's O(count log count) — the pairwise slopes are the bulk of the detector's work.
   */
  static double medianInPlace(double[] values, int count) {
    int mid = count / 2;
    double upper = select(values, count, mid);
    if (count % 2 == 1) {
      return upper;
    }
    // select left values[0, mid) at or below values[mid]: the lower middle is their maximum.
    double lower = values[0];
    for (int i = 1; i < mid; i++) {
      lower = Math.max(lower, values[i]);
    }
    return (lower + upper) / 2.0;
  }

  /** The {@code k}-th smallest (from 0) of {@code values[0, count)}; leaves smaller ones before it. */
  private static double select(double[] values, int count, int k) {
    int left = 0;
    int right = count - 1;
    while (left < right) {
      // Median of three as the pivot: sorted or reversed input (slopes of a clean line) stays O(n).
      int middle = (left + right) >>> 1;
      double pivot = median3(values[left], values[middle], values[right]);
      int i = left;
      int j = right;
      while (i <= j) {
        while (values[i] < pivot) {
          i++;
        }
        while (values[j] > pivot) {
          j--;
        }
        if (i <= j) {
          double t = values[i];
          values[i] = values[j];
          values[j] = t;
          i++;
          j--;
        }
      }
      // Now values[left, j] <= pivot <= values[i, right], and anything strictly between equals it.
      if (k <= j) {
        right = j;
      } else if (k >= i) {
        left = i;
      } else {
        return values[k];
      }
    }
    return values[k];
  }

  private static double median3(double a, double b, double c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }

  /** Median of {@code values[0, count)}, leaving them as they are. */
  static double median(double[] values, int count) {
    return medianInPlace(Arrays.copyOf(values, count), count);
  }
}
