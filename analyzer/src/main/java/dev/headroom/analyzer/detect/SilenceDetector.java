package dev.headroom.analyzer.detect;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Agent silent: no frame from an agent for {@code silentIntervals} report intervals. Time is an
 * input (the collector's clock, both for receipts and for {@link #condition(Instant)}), so tests
 * move it by hand. One agent; not thread-safe.
 */
public final class SilenceDetector {
  /**
   * How many recent intervals the report interval is the longest of. A report can be shorter than
   * the agent's cadence (the one an agent flushes as it stops, one that starts at its first sample),
   * never longer unless the agent stalled: the longest of the last few is the cadence, and one stall
   * ages out after this many reports.
   */
  static final int INTERVAL_WINDOW = 8;

  private final DetectorConfig config;
  private final String hostname;
  private final Deque<Duration> recentIntervals = new ArrayDeque<>();
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
   * @param interval the agent's report interval when the frame tells it (the time since its
   *     previous report, or a device report's span); the longest of the last {@link
   *     #INTERVAL_WINDOW} counts, so a short final report does not make the agent silent at once
   */
  public void frame(Instant receivedAt, Optional<Duration> interval) {
    lastFrameAt = receivedAt;
    interval.filter(d -> !d.isNegative() && !d.isZero()).ifPresent(this::interval);
  }

  private void interval(Duration d) {
    if (recentIntervals.size() == INTERVAL_WINDOW) {
      recentIntervals.removeFirst();
    }
    recentIntervals.addLast(d);
    // A loop, not a stream: this runs once per device report on the ingest path.
    Duration longest = d;
    for (Duration recent : recentIntervals) {
      if (recent.compareTo(longest) > 0) {
        longest = recent;
      }
    }
    reportInterval = longest;
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
