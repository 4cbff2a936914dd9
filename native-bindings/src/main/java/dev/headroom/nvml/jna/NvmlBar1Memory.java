package dev.headroom.nvml.jna;

import com.sun.jna.Structure.FieldOrder;

/** {@code nvmlBAR1Memory_t} (24 bytes). */
@FieldOrder({"bar1Total", "bar1Free", "bar1Used"})
public class NvmlBar1Memory extends LayoutStructure {
  public long bar1Total;
  public long bar1Free;
  public long bar1Used;
}
