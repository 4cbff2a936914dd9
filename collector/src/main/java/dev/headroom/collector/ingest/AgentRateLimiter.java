package dev.headroom.collector.ingest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per agent id: {@code framesPerSecond} sustained, bursts of one second's worth.
 * Keyed by agent id rather than by connection so that reconnecting does not refill the bucket.
 * Thread-safe.
 */
final class AgentRateLimiter {

  private static final class Bucket {
    double tokens;
    long lastNanos;
  }

  private final double framesPerSecond;
  private final LongSupplier nanoTime;
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  AgentRateLimiter(int framesPerSecond, LongSupplier nanoTime) {
    this.framesPerSecond = framesPerSecond;
    this.nanoTime = nanoTime;
  }

  /**
   * Takes {@code frames} tokens: 0 when the agent may go on now, otherwise the nanoseconds until the
   * bucket is out of debt again (the frames are still counted: the caller pauses after them).
   */
  long take(String agentId, int frames) {
    Bucket b = buckets.computeIfAbsent(agentId, k -> {
      Bucket fresh = new Bucket();
      fresh.tokens = framesPerSecond;
      fresh.lastNanos = nanoTime.getAsLong();
      return fresh;
    });
    synchronized (b) {
      long now = nanoTime.getAsLong();
      b.tokens = Math.min(framesPerSecond, b.tokens + (now - b.lastNanos) * framesPerSecond / 1e9);
      b.lastNanos = now;
      b.tokens -= frames;
      if (b.tokens >= 0) {
        return 0;
      }
      return (long) Math.ceil(-b.tokens * 1e9 / framesPerSecond);
    }
  }
}
