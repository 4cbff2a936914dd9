package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;

/** {@code nvmlDeviceGetMigMode} (R450 and later). */
public final class NvmlMigModeApi {
  private NvmlMigModeApi() {}

  /**
   * @param currentMode unsigned int*, {@link NvmlConstants#NVML_DEVICE_MIG_ENABLE} or DISABLE
   * @param pendingMode unsigned int*, the mode after the next reset
   */
  public static native int nvmlDeviceGetMigMode(Pointer device, Pointer currentMode, Pointer pendingMode);
}
