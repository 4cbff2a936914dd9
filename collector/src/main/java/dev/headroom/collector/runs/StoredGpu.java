package dev.headroom.collector.runs;

/**
 * What the catalog keeps of one GPU of a run across a restart: its identity and its peaks (-1 when
 * a peak was never observed). The series themselves are rebuilt from the recordings.
 */
public record StoredGpu(
    String uuid,
    String hostname,
    int index,
    String name,
    long totalBytes,
    long usableBytes,
    long peakUsedBytes,
    long peakAllocatedBytes,
    long peakReservedBytes) {

  /** What to store for a GPU as it is now. */
  public static StoredGpu of(GpuView gpu) {
    return new StoredGpu(
        gpu.uuid(),
        gpu.hostname(),
        gpu.index(),
        gpu.name(),
        gpu.totalBytes(),
        gpu.usableBytes(),
        gpu.peakUsedBytes(),
        gpu.peakAllocatedBytes().orElse(-1),
        gpu.peakReservedBytes().orElse(-1));
  }
}
