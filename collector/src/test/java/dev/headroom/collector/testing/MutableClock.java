package dev.headroom.collector.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** An instant source the test moves by hand. */
public final class MutableClock implements InstantSource {
  private volatile Instant now;

  public MutableClock(Instant start) {
    this.now = start;
  }

  @Override
  public Instant instant() {
    return now;
  }

  public void set(Instant instant) {
    now = instant;
  }

  public void advance(Duration by) {
    now = now.plus(by);
  }
}
