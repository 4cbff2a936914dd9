package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;

/** {@code nvmlDeviceGetMemoryInfo_v2} (R510 and later). */
public final class NvmlMemoryV2Api {
  private NvmlMemoryV2Api() {}

  /** @param memory {@link NvmlMemoryV2}, version set by the caller */
  public static native int nvmlDeviceGetMemoryInfo_v2(Pointer device, Pointer memory);
}
