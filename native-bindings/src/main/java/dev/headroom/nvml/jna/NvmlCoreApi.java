package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;

/**
 * Entry points every driver the binding supports exports (R418 and later). Direct-mapped: the
 * facade registers this class against the loaded library with {@code Native.register}; a missing
 * symbol fails that registration, so the library is refused at open, never at read time.
 *
 * <p>{@code Pointer device} is an {@code nvmlDevice_t}; other {@code Pointer}s point at native
 * memory laid out as the named structure or C type.
 */
public final class NvmlCoreApi {
  private NvmlCoreApi() {}

  public static native int nvmlInit_v2();

  public static native int nvmlShutdown();

  /** Static string owned by the library. */
  public static native String nvmlErrorString(int result);

  /** @param version char[length] */
  public static native int nvmlSystemGetDriverVersion(Pointer version, int length);

  /** @param version char[length] */
  public static native int nvmlSystemGetNVMLVersion(Pointer version, int length);

  /** @param deviceCount unsigned int* */
  public static native int nvmlDeviceGetCount_v2(Pointer deviceCount);

  /** @param device nvmlDevice_t* (out) */
  public static native int nvmlDeviceGetHandleByIndex_v2(int index, Pointer device);

  /** @param name char[length] */
  public static native int nvmlDeviceGetName(Pointer device, Pointer name, int length);

  /** @param uuid char[length] */
  public static native int nvmlDeviceGetUUID(Pointer device, Pointer uuid, int length);

  /** @param pci {@link NvmlPciInfo} */
  public static native int nvmlDeviceGetPciInfo_v3(Pointer device, Pointer pci);

  /** @param memory {@link NvmlMemory} */
  public static native int nvmlDeviceGetMemoryInfo(Pointer device, Pointer memory);

  /** @param bar1Memory {@link NvmlBar1Memory} */
  public static native int nvmlDeviceGetBAR1MemoryInfo(Pointer device, Pointer bar1Memory);

  /** @param utilization {@link NvmlUtilization} */
  public static native int nvmlDeviceGetUtilizationRates(Pointer device, Pointer utilization);

  /** @param value unsigned int* */
  public static native int nvmlDeviceGetPcieReplayCounter(Pointer device, Pointer value);

  /** @param currLinkGen unsigned int* */
  public static native int nvmlDeviceGetCurrPcieLinkGeneration(Pointer device, Pointer currLinkGen);

  /** @param maxLinkGen unsigned int* (min of device and slot) */
  public static native int nvmlDeviceGetMaxPcieLinkGeneration(Pointer device, Pointer maxLinkGen);

  /** @param currLinkWidth unsigned int* */
  public static native int nvmlDeviceGetCurrPcieLinkWidth(Pointer device, Pointer currLinkWidth);

  /** @param maxLinkWidth unsigned int* */
  public static native int nvmlDeviceGetMaxPcieLinkWidth(Pointer device, Pointer maxLinkWidth);

  /** @param power unsigned int*, milliwatts */
  public static native int nvmlDeviceGetPowerUsage(Pointer device, Pointer power);

  /** @param mode nvmlComputeMode_t* */
  public static native int nvmlDeviceGetComputeMode(Pointer device, Pointer mode);
}
