package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;
import com.sun.jna.Structure.FieldOrder;

/** {@code nvmlEventData_t} (32 bytes), filled by {@code nvmlEventSetWait_v2}. */
@FieldOrder({"device", "eventType", "eventData", "gpuInstanceId", "computeInstanceId"})
public class NvmlEventData extends LayoutStructure {
  public Pointer device;
  public long eventType;
  /** For Xid events the Xid number; 999 = unknown Xid. */
  public long eventData;
  public int gpuInstanceId;
  public int computeInstanceId;
}
