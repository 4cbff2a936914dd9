package dev.headroom.protocol.recording;

import java.time.Instant;
import java.util.Objects;

/**
 * Who wrote a segment: every record in it has a sequence within (agentId, bootId).
 *
 * @param createdAt when the segment was opened
 */
public record SegmentIdentity(String agentId, String bootId, String hostname, Instant createdAt) {
  public SegmentIdentity {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(bootId, "bootId");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
