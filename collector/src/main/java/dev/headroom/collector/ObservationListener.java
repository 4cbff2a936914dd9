package dev.headroom.collector;

import dev.headroom.analyzer.model.Observation;
import java.util.List;

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

  /**
   * Several consecutive new frames of one agent (one read burst), in sequence order. The ingest
   * server hands bursts over this way and acknowledges them only after this returned, so a listener
   * can persist the whole burst at once (one write instead of one per frame). Throwing refuses the
   * burst: nothing of it is acknowledged and the agent sends it again.
   *
   * <p>The default hands the frames to {@link #onObservation} one by one.
   */
  default void onObservations(AgentIdentity from, List<AcceptedFrame> burst) {
    for (AcceptedFrame o : burst) {
      onObservation(from, o.sequence(), o.observation());
    }
  }
}
