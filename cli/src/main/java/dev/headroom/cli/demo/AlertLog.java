package dev.headroom.cli.demo;

import dev.headroom.analyzer.alert.AlertEvent;
import dev.headroom.collector.alert.AlertListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every alert event of the demo: queued for the live view to print as it fires, and kept whole for
 * the report. The engine calls it while holding a run's lock, so it only enqueues.
 */
final class AlertLog implements AlertListener {
  private final ConcurrentLinkedQueue<AlertEvent> unprinted = new ConcurrentLinkedQueue<>();
  private final List<AlertEvent> all = new ArrayList<>();

  @Override
  public void onAlert(AlertEvent event) {
    unprinted.add(event);
    synchronized (all) {
      all.add(event);
    }
  }

  /** The events not yet taken, oldest first. */
  List<AlertEvent> drain() {
    List<AlertEvent> out = new ArrayList<>();
    for (AlertEvent e = unprinted.poll(); e != null; e = unprinted.poll()) {
      out.add(e);
    }
    return out;
  }

  /** Every event so far, in arrival order. */
  List<AlertEvent> all() {
    synchronized (all) {
      return List.copyOf(all);
    }
  }
}
