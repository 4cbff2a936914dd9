package dev.headroom.collector.runs;

import java.util.List;

/**
 * The series of one GPU of one run, in time order, as charts draw them. {@code usedBytes} holds
 * each report's maximum so spikes between samples are on the chart; the allocator series are empty
 * when no reporter posted statistics.
 */
public record GpuSeries(
    List<TimedBytes> usedBytes,
    List<TimedBytes> usableBytes,
    List<TimedBytes> allocatedBytes,
    List<TimedBytes> reservedBytes) {

  public GpuSeries {
    usedBytes = List.copyOf(usedBytes);
    usableBytes = List.copyOf(usableBytes);
    allocatedBytes = List.copyOf(allocatedBytes);
    reservedBytes = List.copyOf(reservedBytes);
  }
}
