package dev.headroom.collector.runs;

import dev.headroom.analyzer.model.Observation;
import java.util.List;

/**
 * One accepted observation with the runs the registry attributed it to (empty: none).
 *
 * @param sequence the frame's sequence number within (agent id, boot id)
 */
public record RunObservation(long sequence, Observation observation, List<String> runIds) {
  public RunObservation {
    runIds = List.copyOf(runIds);
  }
}
