package dev.headroom.nvml;

/** Optional capabilities whose absence (old driver, product, permissions) is detected at open. */
public enum NvmlFeature {
  MEMORY_INFO_V2,
  PROCESS_LIST_V3,
  PROCESS_LIST_V2,
  GRAPHICS_PROCESS_LIST,
  TEMPERATURE_V,
  FIELD_VALUES,
  PCIE_THROUGHPUT,
  PCIE_BYTE_COUNTERS,
  NVLINK,
  ENERGY,
  XID_EVENTS,
  CUDA_DRIVER_VERSION
}
