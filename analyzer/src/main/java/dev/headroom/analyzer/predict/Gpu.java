package dev.headroom.analyzer.predict;

/**
 * The GPU a run is predicted for.
 *
 * @param name catalogue name, or a capacity as typed
 * @param capacityBytes total memory as NVML reports it
 * @param usableBytes capacity minus memory the driver reserves (NVML v2 {@code reserved})
 * @param hopper sm90: cuBLAS takes a 32 MiB workspace per stream instead of 8.125 MiB
 */
public record Gpu(String name, long capacityBytes, long usableBytes, boolean hopper) {
  public Gpu {
    if (capacityBytes <= 0 || usableBytes <= 0 || usableBytes > capacityBytes) {
      throw new SpecException("gpu " + name + ": capacity must be > 0 and usable ≤ capacity, got "
          + capacityBytes + " / " + usableBytes);
    }
  }
}
