package dev.headroom.collector.runs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A run as of one moment, without its series: taken in one piece under the run's lock, so its
 * peaks, last values and {@link #recordedThrough} agree with each other. A restarted collector
 * shows an ended run from this alone, and reads the series from the recording only when asked.
 *
 * @param status the run's status when the summary was taken
 * @param reportInterval the reporting agent's cadence at the latest report (how long silence takes)
 * @param recordedThrough per agent life, the last frame the summary includes
 * @param agents the agents that reported for the run; empty in the summary of an older collector
 */
public record RunSummary(
    Instant lastSeenAt,
    RunStatus status,
    Duration reportInterval,
    OptionalLong lastStep,
    List<GpuSummary> gpus,
    List<RecordedThrough> recordedThrough,
    List<AgentSummary> agents) {

  public RunSummary {
    Objects.requireNonNull(lastSeenAt, "lastSeenAt");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reportInterval, "reportInterval");
    Objects.requireNonNull(lastStep, "lastStep");
    gpus = List.copyOf(gpus);
    recordedThrough = List.copyOf(recordedThrough);
    agents = List.copyOf(agents);
  }

  /** A summary without its agents (as an older collector wrote it). */
  public RunSummary(Instant lastSeenAt, RunStatus status, Duration reportInterval, OptionalLong lastStep,
      List<GpuSummary> gpus, List<RecordedThrough> recordedThrough) {
    this(lastSeenAt, status, reportInterval, lastStep, gpus, recordedThrough, List.of());
  }

  /**
   * True when this summary includes frame {@code sequence} of (agent, boot): a recording that ends
   * at or before it holds nothing the summary has not seen.
   */
  public boolean covers(String agentId, String bootId, long sequence) {
    for (RecordedThrough r : recordedThrough) {
      if (r.agentId().equals(agentId) && r.bootId().equals(bootId)) {
        return sequence <= r.sequence();
      }
    }
    return false;
  }
}
