package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;

/**
 * The {@code _v3} process lists (R510 and later; missing in 535.98). Entries are {@link
 * NvmlProcessInfo} (24 bytes), except on early R535 drivers ({@link NvmlProcessDetailV1}).
 */
public final class NvmlProcessesV3Api {
  private NvmlProcessesV3Api() {}

  /**
   * @param infoCount unsigned int*: in, the array's capacity; out, the count needed or written
   * @param infos entry array, or NULL to ask for the count
   */
  public static native int nvmlDeviceGetComputeRunningProcesses_v3(Pointer device, Pointer infoCount, Pointer infos);

  /** As {@link #nvmlDeviceGetComputeRunningProcesses_v3}. */
  public static native int nvmlDeviceGetGraphicsRunningProcesses_v3(Pointer device, Pointer infoCount, Pointer infos);
}
