package dev.headroom.collector.alert;

import java.time.Duration;

/**
 * Exponential backoff for sink deliveries: {@code initialDelay × 2^(attempt−1)}, capped at {@code
 * maxDelay}; at most {@code maxQueued} deliveries wait (the oldest is dropped, with a log line,
 * when a receiver stays down longer than that).
 */
public record RetryPolicy(Duration initialDelay, Duration maxDelay, int maxQueued) {
  public RetryPolicy {
    if (initialDelay.isNegative() || initialDelay.isZero()) {
      throw new IllegalArgumentException("initialDelay must be > 0, got " + initialDelay);
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("maxDelay " + maxDelay + " < initialDelay " + initialDelay);
    }
    if (maxQueued <= 0) {
      throw new IllegalArgumentException("maxQueued must be > 0, got " + maxQueued);
    }
  }

  /** 1 s doubling to 5 min, 10,000 queued. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), 10_000);
  }

  /** The wait before retry number {@code attempt} (1 = the first retry). */
  public Duration delayBefore(int attempt) {
    Duration d = initialDelay;
    for (int i = 1; i < attempt && d.compareTo(maxDelay) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxDelay) > 0 ? maxDelay : d;
  }
}
