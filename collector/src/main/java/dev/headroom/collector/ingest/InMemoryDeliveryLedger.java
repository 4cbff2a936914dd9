package dev.headroom.collector.ingest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A {@link DeliveryLedger} that lives as long as the collector process. Thread-safe. */
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
