package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;

/** {@code nvmlDeviceGetPcieThroughput}: the driver samples over a 20 ms window per call. */
public final class NvmlPcieThroughputApi {
  private NvmlPcieThroughputApi() {}

  /**
   * @param counter nvmlPcieUtilCounter_t, {@link NvmlConstants#NVML_PCIE_UTIL_TX_BYTES} or RX
   * @param value unsigned int*, KB/s
   */
  public static native int nvmlDeviceGetPcieThroughput(Pointer device, int counter, Pointer value);
}
