package dev.headroom.collector.store;

import dev.headroom.collector.ingest.DeliveryLedger;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ingest server's duplicate filter, seeded at start-up from what the recordings hold (the
 * replayed recordings, and the tail of every recording that was not replayed): a frame that was
 * persisted just before a crash, but never acknowledged, is recognised when the agent replays it
 * and is not stored twice.
 *
 * <p>Thread-safe.
 */
public final class RecordedDeliveryLedger implements DeliveryLedger {
  private record AgentBoot(String agentId, String bootId) {}

  private final Map<AgentBoot, Long> last = new ConcurrentHashMap<>();

  @Override
  public long lastSequence(String agentId, String bootId) {
    return last.getOrDefault(new AgentBoot(agentId, bootId), 0L);
  }

  @Override
  public void delivered(String agentId, String bootId, long sequence) {
    last.merge(new AgentBoot(agentId, bootId), sequence, Math::max);
  }
}
