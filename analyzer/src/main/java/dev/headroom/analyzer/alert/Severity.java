package dev.headroom.analyzer.alert;

import java.util.Locale;

/** How urgent an alert is; sinks map it to their own vocabulary (Alertmanager's {@code severity} label). */
public enum Severity {
  /** Worth a look; nothing breaks soon. */
  INFO,
  /** Will hurt the run if nobody acts (a leak, a wrong prediction, stranded memory). */
  WARNING,
  /** The run is about to fail or has lost its GPU. */
  CRITICAL;

  /** Lower-case name as sinks print it ({@code warning}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
