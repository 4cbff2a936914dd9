package dev.headroom.collector.ingest;

/**
 * The highest sequence already handed to the listener per (agent id, boot id): what makes a
 * replayed frame a duplicate. The ingest server reads it when an agent says hello (and tells the
 * agent where to resume) and advances it after the listener returned.
 *
 * <p>Storage that persists accepted frames should seed the ledger from what it persisted (the
 * collector fills an {@link InMemoryDeliveryLedger} from its recordings at start), so that a frame
 * stored just before a collector crash, but never acknowledged, is not stored twice when the agent
 * replays it. Must be thread-safe.
 */
public interface DeliveryLedger {

  /** 0 when nothing was delivered for this pair. */
  long lastSequence(String agentId, String bootId);

  /** Records that {@code sequence} was delivered; never moves backwards. */
  void delivered(String agentId, String bootId, long sequence);
}
