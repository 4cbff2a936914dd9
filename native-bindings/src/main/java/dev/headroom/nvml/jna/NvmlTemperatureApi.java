package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;

/** {@code nvmlDeviceGetTemperature}: deprecated in NVML 13.0, still exported. */
public final class NvmlTemperatureApi {
  private NvmlTemperatureApi() {}

  /**
   * @param sensorType nvmlTemperatureSensors_t, {@link NvmlConstants#NVML_TEMPERATURE_GPU}
   * @param temp unsigned int*, degrees Celsius
   */
  public static native int nvmlDeviceGetTemperature(Pointer device, int sensorType, Pointer temp);
}
