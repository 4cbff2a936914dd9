package dev.headroom.agent.sampler;

import java.time.Instant;

/** Work done at a fixed cadence by a {@link FixedRateLoop}, with time passed in. */
public interface Tickable {

  /** One step of the work at {@code now}. */
  void tick(Instant now);

  /** Emits whatever is still open; called once, after the last tick, on shutdown. */
  default void flush(Instant now) {}
}
