package dev.headroom.analyzer.detect;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Agent silent: no frame from an agent for {@code silentIntervals} report intervals. Time is an
 * input (the collector's clock, both for receipts and for {@link #condition(Instant)}), so tests
 * move it by hand. One agent; not thread-safe.
 */
public final class SilenceDetector {
  private final DetectorConfig config;
  private final String hostname;
  private Instant lastFrameAt;
  private Duration reportInterval;

  public SilenceDetector(DetectorConfig config, String hostname) {
    this.config = config;
    this.hostname = hostname;
    this.reportInterval = config.defaultReportInterval();
  }

  /**
   * A frame arrived.
   *
   * @param receivedAt on the collector's clock
   * @param interval the agent's report interval when the frame tells it (a device report's span)
   */
  public void frame(Instant receivedAt, Optional<Duration> interval) {
    lastFrameAt = receivedAt;
    interval.filter(d -> !d.isNegative() && !d.isZero()).ifPresent(d -> reportInterval = d);
  }

  /** The time after which the agent counts as silent. */
  public Duration allowedSilence() {
    return reportInterval.multipliedBy(config.silentIntervals());
  }

  public Optional<Condition> condition(Instant now) {
    if (lastFrameAt == null) {
      return Optional.empty();
    }
    Duration silent = Duration.between(lastFrameAt, now);
    if (silent.compareTo(allowedSilence()) <= 0) {
      return Optional.empty();
    }
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("silentSeconds", silent.toMillis() / 1000.0);
    values.put("reportIntervalSeconds", reportInterval.toMillis() / 1000.0);
    values.put("allowedIntervals", (double) config.silentIntervals());
    return Optional.of(
        new Condition(
            AlertKind.AGENT_SILENT,
            Severity.WARNING,
            values,
            "No frame from the agent on " + hostname + " for " + Quantities.duration(silent) + " ("
                + config.silentIntervals() + " report intervals of " + Quantities.duration(reportInterval)
                + " allowed): the node, the agent or the network is down",
            "Check the agent's process and logs on " + hostname + " and the network path to the collector; "
                + "the agent replays what it buffered once it reconnects"));
  }
}
