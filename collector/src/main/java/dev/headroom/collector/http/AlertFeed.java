package dev.headroom.collector.http;

import dev.headroom.analyzer.alert.Alert;
import java.util.List;

/** Where the HTTP side reads alerts from: the alert history, newest first. */
@FunctionalInterface
public interface AlertFeed {
  AlertFeed NONE = limit -> List.of();

  /** @param limit the most alerts to return */
  List<Alert> recent(int limit);
}
