package dev.headroom.collector.ingest;

/**
 * A listener stored only part of a burst before storage failed: every frame of the burst up to
 * {@link #storedThroughSequence()} is stored (in every place it belongs), later ones may not be.
 * The ingest server records that prefix as delivered before it closes the connection, so the agent
 * resumes after it instead of sending frames that are already stored.
 */
public class PartlyStoredException extends RuntimeException {
  private final long storedThroughSequence;

  public PartlyStoredException(String message, long storedThroughSequence, Throwable cause) {
    super(message, cause);
    this.storedThroughSequence = storedThroughSequence;
  }

  /** Every frame of the failed burst at or below this sequence is stored; may be below the burst. */
  public long storedThroughSequence() {
    return storedThroughSequence;
  }
}
