package dev.headroom.collector.ingest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link DeliveryLedger} that lives as long as the collector process. What survives a restart is
 * in the recordings, so the collector seeds a new one from them at start (the replayed recordings,
 * and the tail of every recording not replayed): a frame persisted just before a crash, but never
 * acknowledged, is recognised when the agent replays it and is not stored twice. Thread-safe.
 */
public final class InMemoryDeliveryLedger implements DeliveryLedger {

  private record Key(String agentId, String bootId) {}

  private final ConcurrentMap<Key, Long> last = new ConcurrentHashMap<>();

  @Override
  public long lastSequence(String agentId, String bootId) {
    return last.getOrDefault(new Key(agentId, bootId), 0L);
  }

  @Override
  public void delivered(String agentId, String bootId, long sequence) {
    last.merge(new Key(agentId, bootId), sequence, Math::max);
  }
}
