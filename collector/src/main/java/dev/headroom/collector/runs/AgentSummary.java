package dev.headroom.collector.runs;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One agent of a run as a restart needs it: who to expect frames from, since when it has been
 * quiet, and how long quiet is allowed to be.
 *
 * @param agentId the agent's stable id
 * @param hostname the node it runs on
 * @param lastReportAt the end of its latest device report for the run, on its own clock
 * @param reportInterval its report cadence then ({@link dev.headroom.analyzer.alert.ReportCadence});
 *     zero when not known
 */
public record AgentSummary(String agentId, String hostname, Instant lastReportAt, Duration reportInterval) {
  public AgentSummary {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(lastReportAt, "lastReportAt");
    Objects.requireNonNull(reportInterval, "reportInterval");
  }
}
