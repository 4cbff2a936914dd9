package dev.headroom.analyzer.alert;

import java.util.Objects;
import java.util.Optional;

/**
 * Whom a set of conditions is about: one GPU of a run, or one agent of a run.
 *
 * @param runId the run
 * @param subject GPU UUID or agent id (becomes {@link AlertKey#subject()})
 * @param hostname the node
 * @param gpuUuid the GPU, empty for agent-level scopes
 */
public record AlertScope(String runId, String subject, String hostname, Optional<String> gpuUuid) {
  public AlertScope {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(gpuUuid, "gpuUuid");
  }

  public static AlertScope gpu(String runId, String hostname, String gpuUuid) {
    return new AlertScope(runId, gpuUuid, hostname, Optional.of(gpuUuid));
  }

  public static AlertScope agent(String runId, String hostname, String agentId) {
    return new AlertScope(runId, agentId, hostname, Optional.empty());
  }

  public AlertKey key(AlertKind kind) {
    return new AlertKey(kind, runId, subject);
  }
}
