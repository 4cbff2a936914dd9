package dev.headroom.analyzer.alert;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An alert as sinks, the API and the history see it. Immutable: resolving produces a copy with
 * {@link #resolvedAt()} set.
 *
 * @param key kind, run and subject (GPU UUID or agent id)
 * @param hostname the node of the GPU or agent
 * @param gpuUuid the GPU, empty for agent-level alerts
 * @param condition severity, values, explanation and suggested next step (the latest seen)
 * @param raisedAt when the condition first held
 * @param resolvedAt when it stopped holding; empty while active
 */
public record Alert(
    AlertKey key,
    String hostname,
    Optional<String> gpuUuid,
    Condition condition,
    Instant raisedAt,
    Optional<Instant> resolvedAt) {

  public Alert {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(gpuUuid, "gpuUuid");
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(raisedAt, "raisedAt");
    Objects.requireNonNull(resolvedAt, "resolvedAt");
    if (condition.kind() != key.kind()) {
      throw new IllegalArgumentException("condition kind " + condition.kind() + " != key kind " + key.kind());
    }
  }

  public AlertKind kind() {
    return key.kind();
  }

  public String runId() {
    return key.runId();
  }

  public Severity severity() {
    return condition.severity();
  }

  public Map<String, Double> values() {
    return condition.values();
  }

  public String explanation() {
    return condition.explanation();
  }

  public String suggestedAction() {
    return condition.suggestedAction();
  }

  public boolean active() {
    return resolvedAt.isEmpty();
  }

  /** This alert with newer numbers and wording; raise time unchanged. */
  public Alert withCondition(Condition newer) {
    return new Alert(key, hostname, gpuUuid, newer, raisedAt, resolvedAt);
  }

  /** This alert, resolved at {@code at}. */
  public Alert resolved(Instant at) {
    return new Alert(key, hostname, gpuUuid, condition, raisedAt, Optional.of(at));
  }
}
