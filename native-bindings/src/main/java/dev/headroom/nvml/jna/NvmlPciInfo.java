package dev.headroom.nvml.jna;

import com.sun.jna.Structure.FieldOrder;

/** {@code nvmlPciInfo_t} (68 bytes), filled by {@code nvmlDeviceGetPciInfo_v3}. */
@FieldOrder({"busIdLegacy", "domain", "bus", "device", "pciDeviceId", "pciSubSystemId", "busId"})
public class NvmlPciInfo extends LayoutStructure {
  public byte[] busIdLegacy = new byte[NvmlConstants.NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE];
  public int domain;
  public int bus;
  public int device;
  /** device id &lt;&lt; 16 | vendor id. */
  public int pciDeviceId;
  public int pciSubSystemId;
  public byte[] busId = new byte[NvmlConstants.NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE];
}
