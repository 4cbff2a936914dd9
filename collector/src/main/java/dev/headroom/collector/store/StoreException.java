package dev.headroom.collector.store;

/**
 * The collector could not persist or read back its state. Unchecked so it can escape an ingest
 * listener: the ingest server then does not acknowledge the frame and the agent sends it again.
 */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
