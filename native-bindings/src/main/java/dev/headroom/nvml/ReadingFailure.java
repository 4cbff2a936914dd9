package dev.headroom.nvml;

import java.util.Objects;

/**
 * One optional reading of a snapshot that failed with a code other than NOT_SUPPORTED or
 * NO_PERMISSION (e.g. UNKNOWN or TIMEOUT), so its value is absent from that snapshot only.
 *
 * @param function the NVML function that failed, e.g. {@code nvmlDeviceGetUtilizationRates}
 * @param returnCode the {@code nvmlReturn_t} it returned
 * @param message the driver's words, as an {@link NvmlException} would say them: {@code
 *     nvmlDeviceGetUtilizationRates returned 999 (Unknown Error)}
 */
public record ReadingFailure(String function, int returnCode, String message) {
  public ReadingFailure {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(message, "message");
  }

  /** The failure an exception describes (used for the process list's own growth failure). */
  static ReadingFailure of(NvmlException e) {
    return new ReadingFailure(e.function(), e.returnCode(), e.getMessage());
  }
}
