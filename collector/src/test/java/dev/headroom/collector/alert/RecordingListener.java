package dev.headroom.collector.alert;

import dev.headroom.analyzer.alert.AlertEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event it hears, for assertions. */
final class RecordingListener implements AlertListener {
  final List<AlertEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void onAlert(AlertEvent event) {
    events.add(event);
  }

  List<String> summary() {
    return events.stream()
        .map(e -> (e instanceof AlertEvent.Raised ? "raised " : "resolved ") + e.alert().kind().slug()
            + " " + e.alert().key().subject())
        .toList();
  }
}
