package dev.headroom.protocol.wire;

import dev.headroom.analyzer.model.Observation;
import java.util.Objects;

/**
 * An observation with its sequence number in one agent process's stream (1, 2, 3...).
 */
public record SequencedObservation(long sequence, Observation observation) {
  public SequencedObservation {
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be >= 1, was " + sequence);
    }
    Objects.requireNonNull(observation, "observation");
  }
}
