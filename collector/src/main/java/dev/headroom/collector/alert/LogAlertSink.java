package dev.headroom.collector.alert;

import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertEvent;
import dev.headroom.analyzer.alert.Severity;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per raised or resolved alert, on logger {@code headroom.alerts}: raised warnings and
 * criticals at WARN, the rest at INFO. The line is grep-friendly {@code key=value} pairs followed by
 * the explanation and the next step.
 */
public final class LogAlertSink implements AlertListener {
  private static final Logger LOG = LoggerFactory.getLogger("headroom.alerts");

  @Override
  public void onAlert(AlertEvent event) {
    String line = line(event);
    if (event instanceof AlertEvent.Raised && event.alert().severity() != Severity.INFO) {
      LOG.warn(line);
    } else {
      LOG.info(line);
    }
  }

  /** The line as logged, e.g. {@code alert raised kind=danger severity=critical run=r1 ...}. */
  public static String line(AlertEvent event) {
    Alert a = event.alert();
    StringBuilder b = new StringBuilder("alert ");
    b.append(event instanceof AlertEvent.Raised ? "raised" : "resolved");
    b.append(" kind=").append(a.kind().slug());
    b.append(" severity=").append(a.severity().label());
    b.append(" run=").append(a.runId());
    b.append(" host=").append(a.hostname());
    b.append(a.gpuUuid().map(u -> " gpu=" + u).orElse(" agent=" + a.key().subject()));
    for (Map.Entry<String, Double> v : a.values().entrySet()) {
      double d = v.getValue();
      b.append(' ').append(v.getKey()).append('=');
      b.append(d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.4g", d));
    }
    b.append(" | ").append(a.explanation());
    if (event instanceof AlertEvent.Raised) {
      b.append(" | next: ").append(a.suggestedAction());
    }
    return b.toString();
  }
}
