package dev.headroom.analyzer.alert;

import dev.headroom.analyzer.model.DeviceReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How often one agent reports: what the {@code agent-silent} alert and a run's "silent" status
 * both multiply to decide that an agent has gone quiet, so the two never disagree.
 *
 * <p>The interval a device report shows is the time since the agent's previous report ended. A
 * report's own span starts at its first sample, one sampling period after the interval began
 * (half the interval at 2 Hz and 1 s reports), so it is only the fallback for an agent life's
 * first report; reports of the agent's other GPUs end at the same instant and tell nothing. The
 * cadence is the longest of the last {@link #WINDOW} intervals: a report can be shorter than the
 * cadence (the one an agent flushes as it stops), never longer unless the agent stalled, and one
 * stall ages out after this many reports.
 *
 * <p>O(1) per report, allocating nothing but the interval it measures (the window is a fixed
 * ring); one agent; not thread-safe.
 */
public final class ReportCadence {
  /** How many recent intervals the cadence is the longest of. */
  public static final int WINDOW = 8;

  private final Duration[] recent = new Duration[WINDOW];
  private int size;
  private int next;
  private Duration longest;
  /** End of the latest device report, on the agent's clock, and the agent life that sent it. */
  private Instant lastReportEnd;
  private String lastReportBoot;

  /** A device report from the agent life {@code bootId}. */
  public void report(String bootId, DeviceReport report) {
    Objects.requireNonNull(bootId, "bootId");
    if (!bootId.equals(lastReportBoot)) {
      // A restarted agent: the gap since its previous life's last report is downtime, not cadence.
      lastReportBoot = bootId;
      lastReportEnd = report.at();
      interval(Duration.between(report.intervalStart(), report.at()));
      return;
    }
    if (!report.at().isAfter(lastReportEnd)) {
      return; // another GPU of the same report, or a late one
    }
    Duration sincePrevious = Duration.between(lastReportEnd, report.at());
    lastReportEnd = report.at();
    interval(sincePrevious);
  }

  /** One interval as known otherwise (a restored cadence, a caller's own measure); zero or less is ignored. */
  public void interval(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      return;
    }
    if (size == WINDOW) {
      // The oldest leaves; recompute only when it was the longest (a loop over eight, no stream).
      Duration leaving = recent[next];
      recent[next] = interval;
      next = (next + 1) % WINDOW;
      if (leaving.equals(longest) && interval.compareTo(longest) < 0) {
        longest = interval;
        for (Duration d : recent) {
          if (d.compareTo(longest) > 0) {
            longest = d;
          }
        }
        return;
      }
    } else {
      recent[next] = interval;
      next = (next + 1) % WINDOW;
      size++;
    }
    if (longest == null || interval.compareTo(longest) > 0) {
      longest = interval;
    }
  }

  /** True once an interval is known. */
  public boolean known() {
    return longest != null;
  }

  /** The cadence, or {@code fallback} while no interval is known. */
  public Duration intervalOr(Duration fallback) {
    return longest == null ? fallback : longest;
  }
}
