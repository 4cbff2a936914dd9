package dev.headroom.collector.store;

import java.time.Duration;

/**
 * How much recording the collector keeps.
 *
 * @param maxAge segments last written longer ago than this are deleted
 * @param maxTotalBytes all recordings together; the oldest segments go first
 * @param maxBytesPerWriter the bound of one run's recording from one agent
 * @param idleWriterTimeout a run's writer idle this long is closed (its files become deletable)
 */
public record RetentionPolicy(
    Duration maxAge, long maxTotalBytes, long maxBytesPerWriter, Duration idleWriterTimeout) {

  public static final RetentionPolicy DEFAULT =
      new RetentionPolicy(Duration.ofDays(14), 8L << 30, 256L << 20, Duration.ofMinutes(10));

  public RetentionPolicy {
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("retention age must be > 0, was " + maxAge);
    }
    if (maxTotalBytes <= 0 || maxBytesPerWriter <= 0) {
      throw new IllegalArgumentException("retention sizes must be > 0");
    }
  }
}
