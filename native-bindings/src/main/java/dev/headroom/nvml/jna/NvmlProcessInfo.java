package dev.headroom.nvml.jna;

import com.sun.jna.Structure.FieldOrder;

/**
 * {@code nvmlProcessInfo_t} = {@code nvmlProcessInfo_v2_t} (24 bytes): entries of the {@code _v2}
 * and {@code _v3} process calls (except on early R535 drivers, see {@link NvmlProcessDetailV1}).
 */
@FieldOrder({"pid", "usedGpuMemory", "gpuInstanceId", "computeInstanceId"})
public class NvmlProcessInfo extends LayoutStructure {
  public int pid;
  public long usedGpuMemory;
  public int gpuInstanceId;
  public int computeInstanceId;
}
