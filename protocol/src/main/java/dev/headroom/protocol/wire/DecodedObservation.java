package dev.headroom.protocol.wire;

import dev.headroom.protocol.wire.pb.Frame;
import java.util.Objects;

/**
 * An observation frame as a {@link FrameDecoder} made with {@code keepObservationBytes} emits it:
 * the parsed frame and the serialized {@code ObservationFrame} exactly as it came off the wire, so a
 * collector can store it in a recording without serializing it again.
 *
 * <p>The array is not copied; it belongs to whoever receives this.
 */
public record DecodedObservation(Frame frame, byte[] observationFrameBytes) {
  public DecodedObservation {
    Objects.requireNonNull(frame, "frame");
    Objects.requireNonNull(observationFrameBytes, "observationFrameBytes");
    if (!frame.hasObservation()) {
      throw new IllegalArgumentException("not an observation frame: " + frame.getBodyCase());
    }
  }
}
