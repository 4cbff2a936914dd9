package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;

/** The plain (unsuffixed) process lists, {@link NvmlProcessInfoV1} entries (16 bytes). */
public final class NvmlProcessesV1Api {
  private NvmlProcessesV1Api() {}

  public static native int nvmlDeviceGetComputeRunningProcesses(Pointer device, Pointer infoCount, Pointer infos);

  public static native int nvmlDeviceGetGraphicsRunningProcesses(Pointer device, Pointer infoCount, Pointer infos);
}
