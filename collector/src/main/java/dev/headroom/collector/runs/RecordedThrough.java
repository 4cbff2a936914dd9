package dev.headroom.collector.runs;

import java.util.Objects;

/**
 * The highest frame sequence of one agent life attributed to a run: what the run's recording from
 * that agent life ends with, once stored. A run's summary lists one per agent life, so a restarted
 * collector can tell whether the summary covers everything the recording holds.
 */
public record RecordedThrough(String agentId, String bootId, long sequence) {
  public RecordedThrough {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(bootId, "bootId");
  }
}
