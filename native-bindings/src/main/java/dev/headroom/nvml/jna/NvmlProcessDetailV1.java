package dev.headroom.nvml.jna;

import com.sun.jna.Structure.FieldOrder;

/**
 * {@code nvmlProcessDetail_v1_t} (32 bytes). Early R535 drivers (e.g. 535.54.03) wrote entries of
 * this size from the {@code _v3} process calls without changing the suffix.
 */
@FieldOrder({"pid", "usedGpuMemory", "gpuInstanceId", "computeInstanceId", "usedGpuCcProtectedMemory"})
public class NvmlProcessDetailV1 extends LayoutStructure {
  public int pid;
  public long usedGpuMemory;
  public int gpuInstanceId;
  public int computeInstanceId;
  public long usedGpuCcProtectedMemory;
}
