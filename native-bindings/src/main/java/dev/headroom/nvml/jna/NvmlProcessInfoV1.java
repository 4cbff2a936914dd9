package dev.headroom.nvml.jna;

import com.sun.jna.Structure.FieldOrder;

/** {@code nvmlProcessInfo_v1_t} (16 bytes): entries of the plain (unsuffixed) process calls. */
@FieldOrder({"pid", "usedGpuMemory"})
public class NvmlProcessInfoV1 extends LayoutStructure {
  public int pid;
  public long usedGpuMemory;
}
