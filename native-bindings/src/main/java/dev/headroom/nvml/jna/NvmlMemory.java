package dev.headroom.nvml.jna;

import com.sun.jna.Structure.FieldOrder;

/** {@code nvmlMemory_t} (v1, 24 bytes): {@code used} includes the driver's reserved memory. */
@FieldOrder({"total", "free", "used"})
public class NvmlMemory extends LayoutStructure {
  public long total;
  public long free;
  public long used;
}
