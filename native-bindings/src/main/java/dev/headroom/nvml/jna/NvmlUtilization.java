package dev.headroom.nvml.jna;

import com.sun.jna.Structure.FieldOrder;

/** {@code nvmlUtilization_t} (8 bytes), percentages. */
@FieldOrder({"gpu", "memory"})
public class NvmlUtilization extends LayoutStructure {
  public int gpu;
  public int memory;
}
