package dev.headroom.nvml;

/**
 * Turns one cumulative hardware counter into a rate, from the difference to its previous reading
 * and the readings' own timestamps. Wrap-safe: the difference is taken modulo the counter's width
 * (32 bits for {@code unsigned int} values, 64 otherwise), so a counter that wraps once between
 * two readings still gives the right rate.
 *
 * <p>A 64-bit counter cannot plausibly wrap by more than half its range between two readings, so a
 * difference that does (the counter went backwards, e.g. after a driver reload) is a reset: no
 * rate, and the reading becomes the new base. Mutable, one per counter, not thread-safe.
 */
final class CounterRate {

  /** Returned instead of a rate when there is none; keeps the hot path free of boxing. */
  static final long NO_RATE = Long.MIN_VALUE;

  private final long bytesPerUnit;
  private boolean hasPrevious;
  private long previousValue;
  private long previousMicros;
  private int previousWidthBits;

  /** @param bytesPerUnit 1 for byte counters, 1024 for the KiB NVLink counters */
  CounterRate(long bytesPerUnit) {
    this.bytesPerUnit = bytesPerUnit;
  }

  /**
   * Records a reading and returns bytes per second since the previous one, or {@link #NO_RATE} on
   * the first reading, after a reset, or when no time has passed.
   *
   * @param rawValue the counter as read (the low {@code widthBits} bits count)
   * @param widthBits 32 or 64
   * @param timestampMicros when the driver took the reading
   */
  long update(long rawValue, int widthBits, long timestampMicros) {
    long value = widthBits == 32 ? rawValue & 0xFFFF_FFFFL : rawValue;
    if (!hasPrevious || widthBits != previousWidthBits) {
      remember(value, widthBits, timestampMicros);
      return NO_RATE;
    }
    long elapsedMicros = timestampMicros - previousMicros;
    if (elapsedMicros <= 0) {
      // The driver served a cached value; keep the older base so the next rate spans more time.
      return NO_RATE;
    }
    long delta = value - previousValue;
    if (widthBits == 32) {
      delta &= 0xFFFF_FFFFL;
    } else if (delta < 0) {
      remember(value, widthBits, timestampMicros);
      return NO_RATE;
    }
    remember(value, widthBits, timestampMicros);
    return Math.round((double) delta * bytesPerUnit * 1_000_000.0 / elapsedMicros);
  }

  /** Forgets the base, e.g. when the counter stopped being available. */
  void reset() {
    hasPrevious = false;
  }

  private void remember(long value, int widthBits, long micros) {
    hasPrevious = true;
    previousValue = value;
    previousMicros = micros;
    previousWidthBits = widthBits;
  }
}
