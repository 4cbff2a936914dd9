package dev.headroom.nvml;

/** The driver returned GPU_IS_LOST (15): the device is gone until reset; others keep working. */
public final class GpuLostException extends NvmlException {
  private static final long serialVersionUID = 1L;
  private final String uuid;

  public GpuLostException(String uuid, String function, String nvmlMessage) {
    super(function, 15, nvmlMessage);
    this.uuid = uuid;
  }

  public String uuid() {
    return uuid;
  }
}
