package dev.headroom.nvml.jna;

import com.sun.jna.Structure.FieldOrder;

/**
 * {@code nvmlFieldValue_t} (40 bytes). The caller fills {@code fieldId} and {@code scopeId}; the
 * driver fills the rest, with a per-element {@code nvmlReturn}.
 */
@FieldOrder({"fieldId", "scopeId", "timestamp", "latencyUsec", "valueType", "nvmlReturn", "value"})
public class NvmlFieldValue extends LayoutStructure {
  public int fieldId;
  public int scopeId;
  /** µs since 1970. */
  public long timestamp;
  public long latencyUsec;
  public int valueType;
  public int nvmlReturn;
  public NvmlValue value = new NvmlValue();
}
