package dev.headroom.nvml;

import java.util.OptionalLong;

/**
 * One process with a context on a device, as the driver sees it.
 *
 * @param pid host PID (the driver knows no PID namespaces)
 * @param kind which list the process came from; a process in both lists appears once as {@link
 *     ProcessKind#COMPUTE_AND_GRAPHICS}
 * @param usedGpuMemoryBytes empty when the driver cannot say (Windows WDDM, NOT_AVAILABLE)
 */
public record GpuProcess(long pid, ProcessKind kind, OptionalLong usedGpuMemoryBytes) {

  /** Which NVML process list(s) reported the process. */
  public enum ProcessKind {
    COMPUTE,
    GRAPHICS,
    COMPUTE_AND_GRAPHICS
  }
}
