package dev.headroom.analyzer.model;

/** Health of a device as the agent's sampler sees it. */
public enum DeviceState {
  /** Read normally during the interval. */
  OK,
  /** Reads failed; the sampler retries with backoff. */
  FAILING,
  /** The driver said GPU_IS_LOST; it will not come back without a reset. */
  LOST
}
