package dev.headroom.collector.ingest;

import dev.headroom.collector.AgentIdentity;
import io.netty.channel.Channel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The live connection of each (agent id, boot id). When an agent reconnects before the server
 * noticed that its old connection died, the old one is closed, so that two connections never
 * deliver the same agent's frames concurrently (which would defeat the duplicate check).
 */
final class SessionRegistry {

  private record Key(String agentId, String bootId) {}

  private final ConcurrentMap<Key, Channel> live = new ConcurrentHashMap<>();

  void register(AgentIdentity identity, Channel channel) {
    Channel previous = live.put(new Key(identity.agentId(), identity.bootId()), channel);
    if (previous != null && previous != channel) {
      previous.close();
    }
  }

  void unregister(AgentIdentity identity, Channel channel) {
    live.remove(new Key(identity.agentId(), identity.bootId()), channel);
  }

  int size() {
    return live.size();
  }
}
