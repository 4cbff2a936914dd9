package dev.headroom.analyzer.alert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the detectors' current conditions into raise and resolve events: a condition that appears
 * raises an alert, one that disappears resolves it, one that persists only refreshes the active
 * alert's numbers (no event, so sinks are not flooded once per report).
 *
 * <p>Called once per frame on the collector's hot path, so a scope with nothing active and nothing
 * holding costs one map lookup.
 *
 * <p>Not thread-safe: the collector's engine serialises calls.
 */
public final class AlertTracker {
  /** Active alerts by (run, subject), then kind. */
  private final Map<List<String>, EnumMap<AlertKind, Alert>> active = new HashMap<>();

  /**
   * Reconciles one scope's conditions.
   *
   * @param scope whose conditions these are
   * @param owned the kinds this call speaks for: an active alert of an owned kind that is absent
   *     from {@code now} is resolved; alerts of other kinds in the scope are left alone
   * @param now the conditions holding now (at most one per kind)
   * @param at the time of the evidence
   * @return the raise and resolve events, in kind order
   * @throws IllegalArgumentException for a condition of a kind not in {@code owned}
   */
  public List<AlertEvent> update(AlertScope scope, Set<AlertKind> owned, List<Condition> now, Instant at) {
    List<String> scopeKey = List.of(scope.runId(), scope.subject());
    EnumMap<AlertKind, Alert> current = active.get(scopeKey);
    if (now.isEmpty() && (current == null || current.isEmpty())) {
      return List.of();
    }
    Map<AlertKind, Condition> byKind = new EnumMap<>(AlertKind.class);
    for (Condition c : now) {
      if (!owned.contains(c.kind())) {
        throw new IllegalArgumentException(c.kind() + " is not among the owned kinds " + owned);
      }
      byKind.put(c.kind(), c);
    }
    if (current == null) {
      current = new EnumMap<>(AlertKind.class);
      active.put(scopeKey, current);
    }
    List<AlertEvent> events = new ArrayList<>();
    for (AlertKind kind : AlertKind.values()) {
      if (!owned.contains(kind)) {
        continue;
      }
      Alert was = current.get(kind);
      Condition holding = byKind.get(kind);
      if (was == null && holding != null) {
        Alert raised = new Alert(scope.key(kind), scope.hostname(), scope.gpuUuid(), holding, at, Optional.empty());
        current.put(kind, raised);
        events.add(new AlertEvent.Raised(raised));
      } else if (was != null && holding == null) {
        current.remove(kind);
        events.add(new AlertEvent.Resolved(was.resolved(at)));
      } else if (was != null) {
        current.put(kind, was.withCondition(holding));
      }
    }
    if (current.isEmpty()) {
      active.remove(scopeKey);
    }
    return events;
  }

  /**
   * Takes back an alert that was active when the collector stopped, so that the evidence after
   * the restart resolves (or refreshes) it like any other instead of leaving it active for ever.
   *
   * @throws IllegalArgumentException for an alert already resolved
   */
  public void adopt(Alert alert) {
    if (alert.resolvedAt().isPresent()) {
      throw new IllegalArgumentException("alert " + alert.key() + " is resolved, not active");
    }
    active.computeIfAbsent(List.of(alert.runId(), alert.key().subject()), k -> new EnumMap<>(AlertKind.class))
        .putIfAbsent(alert.kind(), alert);
  }

  /** Whether an alert of this kind is active in the scope. */
  public boolean isActive(AlertScope scope, AlertKind kind) {
    EnumMap<AlertKind, Alert> current = active.get(List.of(scope.runId(), scope.subject()));
    return current != null && current.containsKey(kind);
  }

  /** Resolves every active alert of a run (the run ended or was forgotten), oldest first. */
  public List<AlertEvent> resolveRun(String runId, Instant at) {
    List<Alert> resolved = new ArrayList<>();
    Iterator<Map.Entry<List<String>, EnumMap<AlertKind, Alert>>> it = active.entrySet().iterator();
    while (it.hasNext()) {
      var entry = it.next();
      if (entry.getKey().get(0).equals(runId)) {
        resolved.addAll(entry.getValue().values());
        it.remove();
      }
    }
    resolved.sort(Comparator.comparing(Alert::raisedAt));
    return resolved.stream().<AlertEvent>map(a -> new AlertEvent.Resolved(a.resolved(at))).toList();
  }

  /** The alerts active now, oldest first. */
  public List<Alert> active() {
    List<Alert> all = new ArrayList<>();
    for (EnumMap<AlertKind, Alert> byKind : active.values()) {
      all.addAll(byKind.values());
    }
    all.sort(Comparator.comparing(Alert::raisedAt).thenComparing(a -> a.key().runId()));
    return all;
  }
}
