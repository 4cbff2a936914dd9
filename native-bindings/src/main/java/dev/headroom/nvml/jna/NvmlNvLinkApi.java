package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;

/** {@code nvmlDeviceGetNvLinkState}. */
public final class NvmlNvLinkApi {
  private NvmlNvLinkApi() {}

  /** @param isActive nvmlEnableState_t* */
  public static native int nvmlDeviceGetNvLinkState(Pointer device, int link, Pointer isActive);
}
