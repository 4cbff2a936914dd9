package dev.headroom.collector.runs;

import dev.headroom.analyzer.model.Observation;
import dev.headroom.collector.AgentIdentity;
import java.util.List;

/**
 * Told about every observation once the registry has attributed it to runs: storage persists it
 * here (before the ingest server acknowledges the frame) and the alert engine evaluates it.
 *
 * <p>Called on ingest threads, concurrently for different agents, in order for one agent.
 */
public interface RunObservationListener {

  /**
   * @param runIds the runs the observation belongs to, empty when it belongs to none (an idle
   *     GPU, host memory of an agent without a run)
   * @throws RuntimeException to refuse the frame: the ingest server then does not acknowledge it
   *     and the agent sends it again
   */
  void onRunObservation(AgentIdentity from, long sequence, Observation observation, List<String> runIds);

  /**
   * Consecutive observations of one agent (one ingest read burst), in order, already attributed.
   * Storage overrides this to write the batch at once; the default takes them one by one.
   *
   * @throws RuntimeException to refuse the batch: none of it is acknowledged
   */
  default void onRunObservations(AgentIdentity from, List<RunObservation> batch) {
    for (RunObservation o : batch) {
      onRunObservation(from, o.sequence(), o.observation(), o.runIds());
    }
  }

  /** A run appeared, or its spec (and so its prediction) changed. */
  default void onRunChanged(RunView run) {}

  /** A process run declared its run id later: its GPUs now belong to {@code intoRunId}. */
  default void onRunMerged(String fromRunId, String intoRunId) {}
}
