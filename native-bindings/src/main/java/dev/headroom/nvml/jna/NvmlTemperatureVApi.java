package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;

/** {@code nvmlDeviceGetTemperatureV} (R565/R570 and later). */
public final class NvmlTemperatureVApi {
  private NvmlTemperatureVApi() {}

  /** @param temperature {@link NvmlTemperatureV1}, version and sensorType set by the caller */
  public static native int nvmlDeviceGetTemperatureV(Pointer device, Pointer temperature);
}
