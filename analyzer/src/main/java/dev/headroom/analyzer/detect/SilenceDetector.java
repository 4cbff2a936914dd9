package dev.headroom.analyzer.detect;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.ReportCadence;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.DeviceReport;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Agent silent: no frame from an agent for {@code silentIntervals} report intervals. Time is an
 * input (the collector's clock, both for receipts and for {@link #condition(Instant)}), so tests
 * move it by hand. The interval is the agent's {@link ReportCadence}. One agent; not thread-safe.
 */
public final class SilenceDetector {
  /** How many recent intervals the report interval is the longest of ({@link ReportCadence#WINDOW}). */
  static final int INTERVAL_WINDOW = ReportCadence.WINDOW;

  private final DetectorConfig config;
  private final String hostname;
  private final ReportCadence cadence = new ReportCadence();
  /** The latest frame, or for an agent restored at start-up the moment its silence is judged from. */
  private Instant lastFrameAt;
  /** Only for an agent restored at start-up that has not sent since: its last report before the restart. */
  private Instant lastSeenBeforeRestart;

  public SilenceDetector(DetectorConfig config, String hostname) {
    this.config = config;
    this.hostname = hostname;
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
    received(receivedAt);
    if (interval.isPresent()) {
      cadence.interval(interval.get());
    }
  }

  /** A device report of agent life {@code bootId} arrived at {@code receivedAt} (the collector's clock). */
  public void deviceReport(Instant receivedAt, String bootId, DeviceReport report) {
    received(receivedAt);
    cadence.report(bootId, report);
  }

  private void received(Instant receivedAt) {
    lastFrameAt = receivedAt;
    lastSeenBeforeRestart = null;
  }

  /**
   * An agent the collector knew before a restart, of a run still live then, that has not sent a
   * frame since. Its silence is judged from {@code judgedFrom} (start-up, so downtime alone raises
   * nothing: the agent gets the usual allowance to reconnect), and the alert says how long it has
   * really been since {@code lastSeenAt}.
   *
   * @param lastSeenAt the agent's last report before the restart
   * @param judgedFrom the collector's clock when silence starts to count
   * @param interval the agent's cadence before the restart; zero when it was not known
   */
  public void restored(Instant lastSeenAt, Instant judgedFrom, Duration interval) {
    lastFrameAt = judgedFrom;
    lastSeenBeforeRestart = lastSeenAt;
    cadence.interval(interval);
  }

  private Duration reportInterval() {
    return cadence.intervalOr(config.defaultReportInterval());
  }

  /** The time after which the agent counts as silent. */
  public Duration allowedSilence() {
    return reportInterval().multipliedBy(config.silentIntervals());
  }

  public Optional<Condition> condition(Instant now) {
    if (lastFrameAt == null) {
      return Optional.empty();
    }
    if (Duration.between(lastFrameAt, now).compareTo(allowedSilence()) <= 0) {
      return Optional.empty();
    }
    Instant since = lastSeenBeforeRestart != null && lastSeenBeforeRestart.isBefore(lastFrameAt)
        ? lastSeenBeforeRestart : lastFrameAt;
    Duration silent = Duration.between(since, now);
    Duration interval = reportInterval();
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("silentSeconds", silent.toMillis() / 1000.0);
    values.put("reportIntervalSeconds", interval.toMillis() / 1000.0);
    values.put("allowedIntervals", (double) config.silentIntervals());
    String explanation = "No frame from the agent on " + hostname + " for " + Quantities.duration(silent) + " ("
        + config.silentIntervals() + " report intervals of " + Quantities.duration(interval) + " allowed)";
    if (lastSeenBeforeRestart != null) {
      values.put("lastSeenEpochSeconds", lastSeenBeforeRestart.toEpochMilli() / 1000.0);
      explanation = "No frame from the agent on " + hostname + " since " + lastSeenBeforeRestart
          + ", before the collector restarted, nor in the " + Quantities.duration(Duration.between(lastFrameAt, now))
          + " since (" + config.silentIntervals() + " report intervals of " + Quantities.duration(interval)
          + " allowed)";
    }
    return Optional.of(
        new Condition(
            AlertKind.AGENT_SILENT,
            Severity.WARNING,
            values,
            explanation + ": the node, the agent or the network is down",
            "Check the agent's process and logs on " + hostname + " and the network path to the collector; "
                + "the agent replays what it buffered once it reconnects"));
  }
}
