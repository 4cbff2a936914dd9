package dev.headroom.collector;

import dev.headroom.analyzer.model.Observation;
import java.util.Objects;
import java.util.Optional;

/**
 * A new frame the ingest server accepted from an agent: its sequence, the decoded observation and,
 * when the decoder kept them, the serialized {@code ObservationFrame} bytes exactly as received,
 * which storage writes as they are instead of serializing the observation again.
 */
public record AcceptedFrame(long sequence, Observation observation, Optional<byte[]> observationFrameBytes) {
  public AcceptedFrame {
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be >= 1, was " + sequence);
    }
    Objects.requireNonNull(observation, "observation");
    Objects.requireNonNull(observationFrameBytes, "observationFrameBytes");
  }

  public AcceptedFrame(long sequence, Observation observation) {
    this(sequence, observation, Optional.empty());
  }
}
