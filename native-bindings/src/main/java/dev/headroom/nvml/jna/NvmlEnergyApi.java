package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;

/** {@code nvmlDeviceGetTotalEnergyConsumption} (Volta and later). */
public final class NvmlEnergyApi {
  private NvmlEnergyApi() {}

  /** @param energy unsigned long long*, millijoules since the driver was loaded */
  public static native int nvmlDeviceGetTotalEnergyConsumption(Pointer device, Pointer energy);
}
