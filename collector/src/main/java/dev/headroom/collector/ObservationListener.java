package dev.headroom.collector;

import dev.headroom.analyzer.model.Observation;

/**
 * What the ingest server hands every accepted frame to, after the token check and after duplicates
 * were dropped: the run registry (and through it the alert engine and storage) listens here.
 *
 * <p>Called on Netty event-loop threads, possibly concurrently for different agents but in order
 * for any one agent; must not block for long.
 */
@FunctionalInterface
public interface ObservationListener {

  /**
   * @param from the agent that sent it
   * @param sequence the frame's sequence number within (agent id, boot id)
   * @param observation the decoded observation
   */
  void onObservation(AgentIdentity from, long sequence, Observation observation);
}
