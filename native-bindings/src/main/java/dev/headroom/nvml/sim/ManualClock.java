package dev.headroom.nvml.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Simulated time that moves only when told, for tests. Waiting on it is instantaneous and moves
 * time forward to the end of the wait, as in a discrete-event simulation: a test that asks for the
 * next Xid within ten minutes gets it at once, and the clock then reads the Xid's time.
 */
public final class ManualClock implements SimulationClock {
  private final Instant origin;
  private Instant now;

  /** A clock at {@code origin + startAt}. */
  public ManualClock(Instant origin, Duration startAt) {
    this.origin = Objects.requireNonNull(origin, "origin");
    if (startAt.isNegative()) {
      throw new IllegalArgumentException("startAt cannot be negative: " + startAt);
    }
    this.now = origin.plus(startAt);
  }

  /** A clock at {@code origin}. */
  public ManualClock(Instant origin) {
    this(origin, Duration.ZERO);
  }

  @Override
  public Instant origin() {
    return origin;
  }

  @Override
  public synchronized Instant now() {
    return now;
  }

  /** Moves time forward by {@code step}. */
  public synchronized void advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("time only moves forward, got " + step);
    }
    now = now.plus(step);
  }

  /** Sets time to {@code origin + offset}; going back is allowed, since readings are pure. */
  public synchronized void setOffset(Duration offset) {
    if (offset.isNegative()) {
      throw new IllegalArgumentException("offset cannot be negative: " + offset);
    }
    now = origin.plus(offset);
  }

  @Override
  public synchronized void sleepUntil(Instant instant) {
    if (instant.isAfter(now)) {
      now = instant;
    }
  }
}
