package dev.headroom.collector.runs;

import dev.headroom.analyzer.model.Observation;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One accepted observation with the runs the registry attributed it to (empty: none).
 *
 * @param sequence the frame's sequence number within (agent id, boot id)
 * @param observationFrameBytes the serialized ObservationFrame as received, when the ingest kept it
 */
public record RunObservation(long sequence, Observation observation, List<String> runIds,
    Optional<byte[]> observationFrameBytes) {
  public RunObservation {
    runIds = List.copyOf(runIds);
    Objects.requireNonNull(observation, "observation");
    Objects.requireNonNull(observationFrameBytes, "observationFrameBytes");
  }

  public RunObservation(long sequence, Observation observation, List<String> runIds) {
    this(sequence, observation, runIds, Optional.empty());
  }
}
