package dev.headroom.nvml.jna;

/** The {@code #define}s and enum values of nvml.h that the binding uses. */
public final class NvmlConstants {
  private NvmlConstants() {}

  // Buffer sizes (bytes, including the NUL terminator).
  public static final int NVML_DEVICE_NAME_V2_BUFFER_SIZE = 96;
  public static final int NVML_DEVICE_UUID_V2_BUFFER_SIZE = 96;
  public static final int NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE = 80;
  public static final int NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE = 80;
  public static final int NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE = 32;
  public static final int NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE = 16;

  /** All ones: "no value" in u64 and u32 fields (e.g. usedGpuMemory under WDDM, MIG ids). */
  public static final int NVML_VALUE_NOT_AVAILABLE = -1;

  // Versioned structs: NVML_STRUCT_VERSION(T, v) = sizeof(T) | (v << 24).
  public static final int nvmlMemory_v2 = 0x02000028;
  public static final int nvmlTemperature_v1 = 0x0100000C;

  // nvmlValueType_t
  public static final int NVML_VALUE_TYPE_DOUBLE = 0;
  public static final int NVML_VALUE_TYPE_UNSIGNED_INT = 1;
  public static final int NVML_VALUE_TYPE_UNSIGNED_LONG = 2;
  public static final int NVML_VALUE_TYPE_UNSIGNED_LONG_LONG = 3;
  public static final int NVML_VALUE_TYPE_SIGNED_LONG_LONG = 4;
  public static final int NVML_VALUE_TYPE_SIGNED_INT = 5;
  public static final int NVML_VALUE_TYPE_UNSIGNED_SHORT = 6;

  // Field ids for nvmlDeviceGetFieldValues.
  /** mJ since the driver was loaded, as nvmlDeviceGetTotalEnergyConsumption. */
  public static final int NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION = 83;
  public static final int NVML_FI_DEV_NVLINK_LINK_COUNT = 91;
  public static final int NVML_FI_DEV_PCIE_REPLAY_COUNTER = 94;
  public static final int NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX = 138;
  public static final int NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX = 139;
  public static final int NVML_FI_DEV_NVLINK_THROUGHPUT_RAW_TX = 140;
  public static final int NVML_FI_DEV_NVLINK_THROUGHPUT_RAW_RX = 141;
  /** Per link (scopeId = link): NVML_FEATURE_ENABLED when the link is up. */
  public static final int NVML_FI_DEV_NVLINK_GET_STATE = 165;
  public static final int NVML_FI_DEV_PCIE_COUNT_TX_BYTES = 197;
  public static final int NVML_FI_DEV_PCIE_COUNT_RX_BYTES = 198;
  /** scopeId meaning "all links" for the NVLink throughput fields (UINT_MAX). */
  public static final int NVML_NVLINK_SCOPE_ALL_LINKS = 0xFFFFFFFF;

  // nvmlPcieUtilCounter_t
  public static final int NVML_PCIE_UTIL_TX_BYTES = 0;
  public static final int NVML_PCIE_UTIL_RX_BYTES = 1;

  // nvmlTemperatureSensors_t
  public static final int NVML_TEMPERATURE_GPU = 0;

  // nvmlEnableState_t
  public static final int NVML_FEATURE_DISABLED = 0;
  public static final int NVML_FEATURE_ENABLED = 1;

  // MIG modes
  public static final int NVML_DEVICE_MIG_DISABLE = 0;
  public static final int NVML_DEVICE_MIG_ENABLE = 1;

  // nvmlComputeMode_t
  public static final int NVML_COMPUTEMODE_DEFAULT = 0;
  public static final int NVML_COMPUTEMODE_EXCLUSIVE_THREAD = 1;
  public static final int NVML_COMPUTEMODE_PROHIBITED = 2;
  public static final int NVML_COMPUTEMODE_EXCLUSIVE_PROCESS = 3;

  // Event types (bit masks, unsigned long long).
  public static final long nvmlEventTypeSingleBitEccError = 0x1L;
  public static final long nvmlEventTypeDoubleBitEccError = 0x2L;
  public static final long nvmlEventTypePState = 0x4L;
  public static final long nvmlEventTypeXidCriticalError = 0x8L;
  public static final long nvmlEventTypeClock = 0x10L;
}
