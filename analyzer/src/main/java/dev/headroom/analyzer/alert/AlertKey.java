package dev.headroom.analyzer.alert;

import java.util.Objects;

/**
 * What makes an alert the same alert across updates: at most one alert of a kind is active per run
 * and subject.
 *
 * @param kind what is wrong
 * @param runId the run it concerns
 * @param subject the GPU UUID, or the agent id for agent-level alerts ({@link AlertKind#AGENT_SILENT})
 */
public record AlertKey(AlertKind kind, String runId, String subject) {
  public AlertKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(subject, "subject");
  }
}
