package dev.headroom.analyzer.predict;

import java.util.OptionalDouble;

/** One row of a cases file: a run to predict for one metric, or why the row cannot be used. */
public sealed interface PredictionCase {
  String id();

  int line();

  /**
   * A usable row.
   *
   * @param measuredGib the row's {@code peak_gib}, when it has one (calibration rows)
   */
  record Valid(String id, int line, RunSpec spec, Metric metric, OptionalDouble measuredGib)
      implements PredictionCase {}

  /** A row with a bad value: the column and what is wrong with it. */
  record Invalid(String id, int line, String column, String message) implements PredictionCase {}
}
