package dev.headroom.protocol.wire;

import java.util.Objects;

/**
 * A serialized {@code headroom.v1.ObservationFrame} (as stored in recordings and the shipper's
 * buffer) with its sequence, ready to be sent without being parsed again.
 *
 * <p>The array is not copied; callers hand over ownership.
 */
public record SerializedObservation(long sequence, byte[] observationFrameBytes) {
  public SerializedObservation {
    Objects.requireNonNull(observationFrameBytes, "observationFrameBytes");
  }
}
