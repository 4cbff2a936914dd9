package dev.headroom.analyzer.model;

/**
 * Min, max and last of one quantity over a report interval, so a spike between two reports still
 * reaches the collector (the "peaks are never lost" contract).
 */
public record Stats(long min, long max, long last) {

  public Stats {
    if (min > max) {
      throw new IllegalArgumentException("min " + min + " > max " + max);
    }
  }

  /** One sample. */
  public static Stats of(long value) {
    return new Stats(value, value, value);
  }

  /** These stats with one more sample, taken after the others. */
  public Stats with(long value) {
    return new Stats(Math.min(min, value), Math.max(max, value), value);
  }
}
