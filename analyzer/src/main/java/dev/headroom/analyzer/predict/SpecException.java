package dev.headroom.analyzer.predict;

/**
 * A run spec, model config or cases file that cannot be used. The message always names where the
 * bad value came from (file, line, field or row id) so the CLI can print it as-is.
 */
public final class SpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SpecException(String message) {
    super(message);
  }

  public SpecException(String message, Throwable cause) {
    super(message, cause);
  }
}
