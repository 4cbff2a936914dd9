package dev.headroom.analyzer.model;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one device did over one report interval. Memory quantities carry min/max/last; {@code
 * usedBytes} never includes driver-reserved memory, so {@code usable = total − reserved}.
 *
 * @param uuid device identity (never the index, which changes across reboots)
 * @param index NVML index on this host, for display only
 * @param intervalStart first sample of the interval
 * @param at end of the interval
 * @param sampleCount samples taken (0 when every read failed)
 */
public record DeviceReport(
    String hostname,
    String uuid,
    int index,
    String name,
    Instant intervalStart,
    Instant at,
    int sampleCount,
    DeviceState state,
    long totalBytes,
    long reservedBytes,
    Stats usedBytes,
    List<ProcessReport> processes,
    Optional<Stats> gpuUtilizationPercent,
    Optional<Stats> pcieTxBytesPerSecond,
    Optional<Stats> pcieRxBytesPerSecond,
    Optional<Stats> nvlinkTxBytesPerSecond,
    Optional<Stats> nvlinkRxBytesPerSecond,
    Optional<Stats> temperatureCelsius,
    Optional<Stats> powerMilliwatts)
    implements Observation {

  public DeviceReport {
    processes = List.copyOf(processes);
  }

  /** Memory processes can get: total minus what the driver keeps. */
  public long usableBytes() {
    return totalBytes - reservedBytes;
  }

  /** The interval's peak used / usable: the number the danger threshold is checked against. */
  public double peakRatio() {
    long usable = usableBytes();
    return usable <= 0 ? 0.0 : (double) usedBytes.max() / usable;
  }
}
