package dev.headroom.cli.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A wall clock that stands still until {@link #release()}, then runs at the real rate from where it
 * stood. The demo's simulation clock is built on it so the scenario's first simulated minutes are
 * not spent while the collector and the agents are still starting (at 60× a second of start-up
 * would skip a simulated minute); the origin, and so every timestamp, stays fixed throughout.
 */
final class HeldWall implements InstantSource {
  private final InstantSource real;
  private final Instant heldAt;
  private volatile Duration lag;

  HeldWall(InstantSource real) {
    this.real = real;
    this.heldAt = real.instant();
  }

  /** Lets time run from now on; later calls do nothing. */
  synchronized void release() {
    if (lag == null) {
      lag = Duration.between(heldAt, real.instant());
    }
  }

  @Override
  public Instant instant() {
    Duration l = lag;
    return l == null ? heldAt : real.instant().minus(l);
  }
}
