package dev.headroom.analyzer.predict;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Median and p90 of absolute percentage errors over a set of predictions. */
public record ErrorSummary(int count, double medianPercent, double p90Percent) {

  /** Absolute percentage error of one prediction against a measurement. */
  public static double absolutePercentError(double predicted, double measured) {
    if (measured <= 0) {
      throw new IllegalArgumentException("measured value must be > 0, got " + measured);
    }
    return Math.abs(predicted - measured) / measured * 100;
  }

  /** Median (mean of the two middle values for an even count) and nearest-rank p90. */
  public static ErrorSummary of(List<Double> absolutePercentErrors) {
    if (absolutePercentErrors.isEmpty()) {
      return new ErrorSummary(0, Double.NaN, Double.NaN);
    }
    List<Double> sorted = new ArrayList<>(absolutePercentErrors);
    Collections.sort(sorted);
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    double p90 = sorted.get((int) Math.ceil(0.9 * n) - 1);
    return new ErrorSummary(n, median, p90);
  }
}
