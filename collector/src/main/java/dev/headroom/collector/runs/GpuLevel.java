package dev.headroom.collector.runs;

/** How close a GPU is to running out of memory, for the fleet view. */
public enum GpuLevel {
  /** Below the warning ratio. */
  OK,
  /** At or above the warning ratio (default 0.80 of usable). */
  WARNING,
  /** At or above the danger ratio (default 0.90 of usable). */
  DANGER,
  /** The agent cannot read the GPU (reads failing, or the driver reported it lost). */
  UNREADABLE
}
