package dev.headroom.nvml;

import java.util.Optional;

/**
 * Versions of the software behind a session.
 *
 * @param driverVersion e.g. {@code 535.104.05}
 * @param nvmlVersion e.g. {@code 12.535.104.05}
 * @param cudaDriverVersion the CUDA driver API version as NVML encodes it (12020 = 12.2); empty when
 *     libcuda is not installed
 */
public record DriverInfo(String driverVersion, String nvmlVersion, Optional<Integer> cudaDriverVersion) {

  /** {@code 12.2} from {@code 12020}, or {@code unknown}. */
  public String cudaVersionText() {
    return cudaDriverVersion.map(v -> (v / 1000) + "." + ((v % 1000) / 10)).orElse("unknown");
  }
}
