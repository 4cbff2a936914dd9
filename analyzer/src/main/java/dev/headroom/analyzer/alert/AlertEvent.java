package dev.headroom.analyzer.alert;

/** A change in the set of active alerts: what sinks are told about. */
public sealed interface AlertEvent permits AlertEvent.Raised, AlertEvent.Resolved {

  /** The alert after the change (resolved ones carry {@code resolvedAt}). */
  Alert alert();

  /** A condition started to hold. */
  record Raised(Alert alert) implements AlertEvent {}

  /** A condition stopped holding (or its run ended). */
  record Resolved(Alert alert) implements AlertEvent {}
}
