package dev.headroom.collector.runs;

/** A run's life as the collector sees it. */
public enum RunStatus {
  /** Observations arrived recently. */
  ACTIVE,
  /** No observation for longer than the silence threshold; the agent may be down. */
  SILENT,
  /** Its processes left every GPU they were on. */
  ENDED
}
