package dev.headroom.nvml.jna;

import com.sun.jna.Structure.FieldOrder;

/**
 * {@code nvmlTemperature_v1_t} (12 bytes) for {@code nvmlDeviceGetTemperatureV}: set {@code
 * version} to {@link NvmlConstants#nvmlTemperature_v1} and {@code sensorType} before the call.
 */
@FieldOrder({"version", "sensorType", "temperature"})
public class NvmlTemperatureV1 extends LayoutStructure {
  public int version;
  public int sensorType;
  /** Degrees Celsius, signed. */
  public int temperature;
}
