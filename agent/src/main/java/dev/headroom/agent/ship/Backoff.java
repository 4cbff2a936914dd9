package dev.headroom.agent.ship;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of {@code min(max,
 * initial·2ⁿ)}, so a fleet of agents that lost the same collector does not reconnect in lockstep.
 * Not thread-safe (the shipper's event loop owns it).
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final RandomGenerator random;
  private int attempt;

  public Backoff(Duration initial, Duration max, RandomGenerator random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
    }
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** The delay before the next attempt; each call doubles the ceiling up to the maximum. */
  public Duration next() {
    long ceiling = initial.toNanos() << Math.min(attempt, 30);
    if (ceiling <= 0 || ceiling > max.toNanos()) {
      ceiling = max.toNanos();
    }
    attempt++;
    long half = ceiling / 2;
    return Duration.ofNanos(half + (half == 0 ? 0 : random.nextLong(half + 1)));
  }

  /** After a successful connection: the next failure starts from the initial delay again. */
  public void reset() {
    attempt = 0;
  }
}
