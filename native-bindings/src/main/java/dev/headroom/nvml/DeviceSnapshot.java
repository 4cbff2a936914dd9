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
 * <p>Memory is the one reading a snapshot cannot do without: when it fails there is no snapshot.
 * Every other reading that fails with another code (UNKNOWN, TIMEOUT, …) is empty in this snapshot
 * and named in {@link #failedReadings}; the next snapshot tries it again. Consumers must check
 * {@code failedReadings} before reading an empty part as "the driver has none": in particular an
 * empty {@link #processes} list with a process-list failure means "unknown", not "no processes".
 *
 * @param uuid device identity
 * @param timestamp when the pass started
 * @param memory device memory, always present
 * @param processes compute and graphics processes, merged by PID; empty when either list failed
 * @param failedReadings the optional readings that failed in this pass, in the order they were
 *     made, each function and code once; empty when the snapshot is complete
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
    OptionalLong energyMillijoules,
    List<ReadingFailure> failedReadings) {

  public DeviceSnapshot {
    processes = List.copyOf(processes);
    // List.copyOf returns an immutable List.of() as it is: a complete snapshot allocates nothing here.
    failedReadings = List.copyOf(failedReadings);
  }

  /** A complete snapshot: nothing failed. */
  public DeviceSnapshot(
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
    this(uuid, timestamp, memory, bar1, processes, utilization, pcie, nvlink, temperatureCelsius, powerMilliwatts,
        energyMillijoules, List.of());
  }

  /** Whether some optional reading failed in this pass (see {@link #failedReadings}). */
  public boolean isPartial() {
    return !failedReadings.isEmpty();
  }
}
