package dev.headroom.collector.alert;

import dev.headroom.analyzer.alert.AlertEvent;

/**
 * Told about every raised and resolved alert. Called while the engine holds the run's lock, so
 * events of one run arrive in order; implementations must hand slow work (HTTP) to their own
 * thread and must not throw.
 */
@FunctionalInterface
public interface AlertListener {
  void onAlert(AlertEvent event);
}
