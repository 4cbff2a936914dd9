package dev.headroom.collector.store;

import dev.headroom.collector.ingest.DeliveryLedger;
import dev.headroom.protocol.recording.RecordedObservation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ingest server's duplicate filter, seeded at start-up from what the recordings hold: a frame
 * that was persisted just before a crash, but never acknowledged, is recognised when the agent
 * replays it and is not stored twice.
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

  /** Seeds from one recorded observation. */
  public void recorded(RecordedObservation observation) {
    delivered(observation.source().agentId(), observation.source().bootId(), observation.sequence());
  }

  /** True when this (agent, boot, sequence) was already delivered. */
  public boolean seen(String agentId, String bootId, long sequence) {
    return sequence <= lastSequence(agentId, bootId);
  }
}
