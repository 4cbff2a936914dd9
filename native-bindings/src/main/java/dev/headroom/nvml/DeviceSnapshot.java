package dev.headroom.nvml;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Everything read from one device in one pass. Optional parts are empty when the driver said
 * NOT_SUPPORTED or NO_PERMISSION for them, so a missing value is never shown as zero.
 *
 * @param uuid device identity
 * @param timestamp when the pass started
 * @param memory device memory, always present
 * @param processes compute and graphics processes, merged by PID
 */
public record DeviceSnapshot(
    String uuid,
    Instant timestamp,
    MemoryReading memory,
    Optional<Bar1Memory> bar1,
    List<GpuProcess> processes,
    Optional<Utilization> utilization,
    Optional<PcieStatus> pcie,
    Optional<NvLinkStatus> nvlink,
    OptionalInt temperatureCelsius,
    OptionalLong powerMilliwatts,
    OptionalLong energyMillijoules) {

  public DeviceSnapshot {
    processes = List.copyOf(processes);
  }
}
