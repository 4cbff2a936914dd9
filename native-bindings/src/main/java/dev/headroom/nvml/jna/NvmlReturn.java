package dev.headroom.nvml.jna;

/** {@code nvmlReturn_t} values, as in nvml.h. */
public final class NvmlReturn {
  private NvmlReturn() {}

  public static final int NVML_SUCCESS = 0;
  public static final int NVML_ERROR_UNINITIALIZED = 1;
  public static final int NVML_ERROR_INVALID_ARGUMENT = 2;
  public static final int NVML_ERROR_NOT_SUPPORTED = 3;
  public static final int NVML_ERROR_NO_PERMISSION = 4;
  public static final int NVML_ERROR_ALREADY_INITIALIZED = 5;
  public static final int NVML_ERROR_NOT_FOUND = 6;
  public static final int NVML_ERROR_INSUFFICIENT_SIZE = 7;
  public static final int NVML_ERROR_INSUFFICIENT_POWER = 8;
  public static final int NVML_ERROR_DRIVER_NOT_LOADED = 9;
  public static final int NVML_ERROR_TIMEOUT = 10;
  public static final int NVML_ERROR_IRQ_ISSUE = 11;
  public static final int NVML_ERROR_LIBRARY_NOT_FOUND = 12;
  public static final int NVML_ERROR_FUNCTION_NOT_FOUND = 13;
  public static final int NVML_ERROR_CORRUPTED_INFOROM = 14;
  public static final int NVML_ERROR_GPU_IS_LOST = 15;
  public static final int NVML_ERROR_RESET_REQUIRED = 16;
  public static final int NVML_ERROR_OPERATING_SYSTEM = 17;
  public static final int NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18;
  public static final int NVML_ERROR_IN_USE = 19;
  public static final int NVML_ERROR_MEMORY = 20;
  public static final int NVML_ERROR_NO_DATA = 21;
  public static final int NVML_ERROR_VGPU_ECC_NOT_SUPPORTED = 22;
  public static final int NVML_ERROR_INSUFFICIENT_RESOURCES = 23;
  public static final int NVML_ERROR_FREQ_NOT_SUPPORTED = 24;
  public static final int NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25;
  public static final int NVML_ERROR_DEPRECATED = 26;
  public static final int NVML_ERROR_NOT_READY = 27;
  public static final int NVML_ERROR_GPU_NOT_FOUND = 28;
  public static final int NVML_ERROR_INVALID_STATE = 29;
  public static final int NVML_ERROR_RESET_TYPE_NOT_SUPPORTED = 30;
  public static final int NVML_ERROR_UNKNOWN = 999;
}
