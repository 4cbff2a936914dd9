package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;

/** {@code nvmlDeviceGetFieldValues}. */
public final class NvmlFieldValuesApi {
  private NvmlFieldValuesApi() {}

  /**
   * @param valuesCount number of elements (a signed {@code int} in C)
   * @param values {@link NvmlFieldValue}[valuesCount], fieldId and scopeId set by the caller
   */
  public static native int nvmlDeviceGetFieldValues(Pointer device, int valuesCount, Pointer values);
}
