package dev.headroom.nvml;

import java.util.Optional;

/**
 * Device modes that change what NVML will tell about a device: with MIG on, the parent device
 * gives memory and process lists only to privileged callers, and utilization not at all.
 *
 * @param migEnabled MIG mode now; empty when the driver or product has no MIG
 * @param migEnabledAfterReset the pending MIG mode, applied at the next GPU reset
 * @param computeMode who may create contexts; empty when NOT_SUPPORTED
 */
public record DeviceModes(
    Optional<Boolean> migEnabled, Optional<Boolean> migEnabledAfterReset, Optional<ComputeMode> computeMode) {

  /** {@code nvmlComputeMode_t}. */
  public enum ComputeMode {
    DEFAULT,
    EXCLUSIVE_THREAD,
    PROHIBITED,
    EXCLUSIVE_PROCESS;

    /** The mode for an NVML value, or empty for one this binding does not know. */
    static Optional<ComputeMode> of(int value) {
      ComputeMode[] all = values();
      return value >= 0 && value < all.length ? Optional.of(all[value]) : Optional.empty();
    }
  }
}
