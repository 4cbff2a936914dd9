package dev.headroom.protocol.wire;

/**
 * A frame that parsed as protobuf but does not make a valid observation (no body, an unknown
 * enum value, min greater than max...). The message names the field.
 */
public final class MalformedFrameException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedFrameException(String message) {
    super(message);
  }

  public MalformedFrameException(String message, Throwable cause) {
    super(message, cause);
  }
}
