package dev.headroom.nvml.jna;

import com.sun.jna.Structure.FieldOrder;

/**
 * {@code nvmlMemory_v2_t} (40 bytes; 4 bytes of padding after {@code version}). Set {@code
 * version} to {@link NvmlConstants#nvmlMemory_v2} before the call.
 */
@FieldOrder({"version", "total", "reserved", "free", "used"})
public class NvmlMemoryV2 extends LayoutStructure {
  public int version;
  public long total;
  public long reserved;
  public long free;
  public long used;
}
