package dev.headroom.nvml.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Simulated time running {@code factor} times faster than a wall clock: with factor 60, one
 * simulated hour passes in one wall-clock minute. The scenario's t = 0 is the wall instant the clock
 * was made, less {@code startAt}, so timestamps look current.
 */
public final class CompressedClock implements SimulationClock {
  private final InstantSource wall;
  private final double factor;
  private final Instant wallStart;
  private final Instant origin;
  private final long startAtNanos;

  /**
   * @param wall the real clock ({@link InstantSource#system()} outside tests)
   * @param factor simulated seconds per wall second, more than 0
   * @param startAt simulated time already elapsed when the clock starts
   */
  public CompressedClock(InstantSource wall, double factor, Duration startAt) {
    this.wall = Objects.requireNonNull(wall, "wall");
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("time compression must be a positive number, got " + factor);
    }
    if (startAt.isNegative()) {
      throw new IllegalArgumentException("startAt cannot be negative: " + startAt);
    }
    this.factor = factor;
    this.wallStart = wall.instant();
    this.startAtNanos = startAt.toNanos();
    this.origin = wallStart.minus(startAt);
  }

  public double factor() {
    return factor;
  }

  @Override
  public Instant origin() {
    return origin;
  }

  @Override
  public Instant now() {
    long wallNanos = Duration.between(wallStart, wall.instant()).toNanos();
    return origin.plusNanos(startAtNanos + Math.round(Math.max(0, wallNanos) * factor));
  }

  @Override
  public void sleepUntil(Instant instant) throws InterruptedException {
    long simNanos = Duration.between(now(), instant).toNanos();
    if (simNanos <= 0) {
      return;
    }
    long wallNanos = Math.round(simNanos / factor);
    Thread.sleep(wallNanos / 1_000_000, (int) (wallNanos % 1_000_000));
  }
}
