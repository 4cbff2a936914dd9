package dev.headroom.nvml;

/**
 * Device memory at one instant, normalised so that {@code usedBytes} never includes the driver's
 * reserved memory, whichever struct version the driver filled.
 *
 * @param totalBytes framebuffer size
 * @param reservedBytes memory the driver keeps for itself and no process can get (0 with the v1 call)
 * @param usedBytes memory allocated by contexts
 * @param freeBytes memory still available
 */
public record MemoryReading(long totalBytes, long reservedBytes, long usedBytes, long freeBytes) {

  /** {@code total − reserved}: what processes can actually get. */
  public long usableBytes() {
    return totalBytes - reservedBytes;
  }

  /** {@code used / usable}, the ratio the danger threshold is set against. */
  public double usedRatio() {
    long usable = usableBytes();
    return usable <= 0 ? 0.0 : (double) usedBytes / usable;
  }
}
