package dev.headroom.analyzer.postmortem.snapshot;

/**
 * A file that is not a readable allocator snapshot: truncated, not a pickle, a pickle that asks
 * for a class, or a dict without the keys a snapshot has. The message says what and where (byte
 * offset or key path) and is meant to be shown to the user as is.
 */
public final class SnapshotFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public SnapshotFormatException(String message) {
    super(message);
  }

  public SnapshotFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
