package dev.headroom.agent;

import dev.headroom.analyzer.model.Observation;

/**
 * Where the agent's observations go: the local recording, the shipper to the collector and the
 * /metrics registry each implement it, and the sampler, the Xid reader and the reporter endpoint
 * write to it without knowing who listens.
 *
 * <p>Implementations must be thread-safe (the sampler, the Xid thread and the reporter's event loop
 * call concurrently) and must not block the caller for long: the sampler's cadence depends on it.
 */
@FunctionalInterface
public interface ObservationSink {

  /** Takes one observation; must not throw for a full buffer or a lost connection. */
  void accept(Observation observation);
}
