package dev.headroom.nvml;

import dev.headroom.nvml.jna.NvmlBar1Memory;
import dev.headroom.nvml.jna.NvmlEventData;
import dev.headroom.nvml.jna.NvmlFieldValue;
import dev.headroom.nvml.jna.NvmlMemory;
import dev.headroom.nvml.jna.NvmlMemoryV2;
import dev.headroom.nvml.jna.NvmlPciInfo;
import dev.headroom.nvml.jna.NvmlProcessDetailV1;
import dev.headroom.nvml.jna.NvmlProcessInfo;
import dev.headroom.nvml.jna.NvmlProcessInfoV1;
import dev.headroom.nvml.jna.NvmlTemperatureV1;
import dev.headroom.nvml.jna.NvmlUtilization;

/**
 * Sizes and field offsets of the NVML structs, taken once from the structure classes in {@code
 * dev.headroom.nvml.jna} (the single source of the layout), so the hot path reads reused native
 * memory with plain {@code getLong(offset)} calls and no reflection.
 */
final class NvmlLayout {
  private NvmlLayout() {}

  static final int PCI_SIZE;
  static final int PCI_BUS_ID;
  static final int MEMORY_SIZE;
  static final int MEMORY_TOTAL;
  static final int MEMORY_FREE;
  static final int MEMORY_USED;
  static final int MEMORY_V2_SIZE;
  static final int MEMORY_V2_VERSION;
  static final int MEMORY_V2_TOTAL;
  static final int MEMORY_V2_RESERVED;
  static final int MEMORY_V2_FREE;
  static final int MEMORY_V2_USED;
  static final int BAR1_SIZE;
  static final int BAR1_TOTAL;
  static final int BAR1_FREE;
  static final int BAR1_USED;
  static final int UTILIZATION_SIZE;
  static final int UTILIZATION_GPU;
  static final int UTILIZATION_MEMORY;
  static final int PROCESS_V1_SIZE;
  static final int PROCESS_V1_PID;
  static final int PROCESS_V1_USED;
  static final int PROCESS_SIZE;
  static final int PROCESS_PID;
  static final int PROCESS_USED;
  static final int PROCESS_DETAIL_SIZE;
  static final int PROCESS_DETAIL_PID;
  static final int PROCESS_DETAIL_USED;
  static final int FIELD_SIZE;
  static final int FIELD_ID;
  static final int FIELD_SCOPE_ID;
  static final int FIELD_TIMESTAMP;
  static final int FIELD_VALUE_TYPE;
  static final int FIELD_RETURN;
  static final int FIELD_VALUE;
  static final int EVENT_SIZE;
  static final int EVENT_DEVICE;
  static final int EVENT_TYPE;
  static final int EVENT_DATA;
  static final int TEMPERATURE_SIZE;
  static final int TEMPERATURE_VERSION;
  static final int TEMPERATURE_SENSOR;
  static final int TEMPERATURE_VALUE;

  static {
    NvmlPciInfo pci = new NvmlPciInfo();
    PCI_SIZE = pci.size();
    PCI_BUS_ID = pci.offsetOf("busId");
    NvmlMemory m1 = new NvmlMemory();
    MEMORY_SIZE = m1.size();
    MEMORY_TOTAL = m1.offsetOf("total");
    MEMORY_FREE = m1.offsetOf("free");
    MEMORY_USED = m1.offsetOf("used");
    NvmlMemoryV2 m2 = new NvmlMemoryV2();
    MEMORY_V2_SIZE = m2.size();
    MEMORY_V2_VERSION = m2.offsetOf("version");
    MEMORY_V2_TOTAL = m2.offsetOf("total");
    MEMORY_V2_RESERVED = m2.offsetOf("reserved");
    MEMORY_V2_FREE = m2.offsetOf("free");
    MEMORY_V2_USED = m2.offsetOf("used");
    NvmlBar1Memory b = new NvmlBar1Memory();
    BAR1_SIZE = b.size();
    BAR1_TOTAL = b.offsetOf("bar1Total");
    BAR1_FREE = b.offsetOf("bar1Free");
    BAR1_USED = b.offsetOf("bar1Used");
    NvmlUtilization u = new NvmlUtilization();
    UTILIZATION_SIZE = u.size();
    UTILIZATION_GPU = u.offsetOf("gpu");
    UTILIZATION_MEMORY = u.offsetOf("memory");
    NvmlProcessInfoV1 p1 = new NvmlProcessInfoV1();
    PROCESS_V1_SIZE = p1.size();
    PROCESS_V1_PID = p1.offsetOf("pid");
    PROCESS_V1_USED = p1.offsetOf("usedGpuMemory");
    NvmlProcessInfo p2 = new NvmlProcessInfo();
    PROCESS_SIZE = p2.size();
    PROCESS_PID = p2.offsetOf("pid");
    PROCESS_USED = p2.offsetOf("usedGpuMemory");
    NvmlProcessDetailV1 p3 = new NvmlProcessDetailV1();
    PROCESS_DETAIL_SIZE = p3.size();
    PROCESS_DETAIL_PID = p3.offsetOf("pid");
    PROCESS_DETAIL_USED = p3.offsetOf("usedGpuMemory");
    NvmlFieldValue f = new NvmlFieldValue();
    FIELD_SIZE = f.size();
    FIELD_ID = f.offsetOf("fieldId");
    FIELD_SCOPE_ID = f.offsetOf("scopeId");
    FIELD_TIMESTAMP = f.offsetOf("timestamp");
    FIELD_VALUE_TYPE = f.offsetOf("valueType");
    FIELD_RETURN = f.offsetOf("nvmlReturn");
    FIELD_VALUE = f.offsetOf("value");
    NvmlEventData e = new NvmlEventData();
    EVENT_SIZE = e.size();
    EVENT_DEVICE = e.offsetOf("device");
    EVENT_TYPE = e.offsetOf("eventType");
    EVENT_DATA = e.offsetOf("eventData");
    NvmlTemperatureV1 t = new NvmlTemperatureV1();
    TEMPERATURE_SIZE = t.size();
    TEMPERATURE_VERSION = t.offsetOf("version");
    TEMPERATURE_SENSOR = t.offsetOf("sensorType");
    TEMPERATURE_VALUE = t.offsetOf("temperature");
  }

  /** Rounds {@code offset} up to 8 so every region of a scratch block is aligned for u64. */
  static long align8(long offset) {
    return (offset + 7) & ~7L;
  }

}
