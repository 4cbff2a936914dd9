package dev.headroom.agent.sampler;

import dev.headroom.nvml.ReadingFailure;

/**
 * Hears when an optional reading of a device (utilization, power, a process list, …) starts failing
 * and when it works again: once per change, not once per sample, since the sampler runs at up to
 * 20 Hz and a board that never answers one call would otherwise flood the log.
 */
interface ReadingTransitions {

  /** {@code failure} is the first failure of its function on this device since it last worked. */
  void startedFailing(String uuid, ReadingFailure failure);

  /** {@code function} answered again on this device after failing in {@code failedSnapshots} snapshots in a row. */
  void workingAgain(String uuid, String function, long failedSnapshots);
}
