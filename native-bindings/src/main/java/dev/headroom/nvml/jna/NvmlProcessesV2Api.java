package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;

/** The {@code _v2} process lists (R450–R510 era), {@link NvmlProcessInfo} entries (24 bytes). */
public final class NvmlProcessesV2Api {
  private NvmlProcessesV2Api() {}

  public static native int nvmlDeviceGetComputeRunningProcesses_v2(Pointer device, Pointer infoCount, Pointer infos);

  public static native int nvmlDeviceGetGraphicsRunningProcesses_v2(Pointer device, Pointer infoCount, Pointer infos);
}
