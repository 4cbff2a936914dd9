package dev.headroom.nvml;

import dev.headroom.nvml.jna.NvmlCoreApi;
import dev.headroom.nvml.jna.NvmlReturn;

/** What a return code means to the facade, and NVML's own words for it. */
final class NvmlCalls {
  private NvmlCalls() {}

  /** NVML's message for {@code code}, e.g. {@code Insufficient Permissions}. */
  static String message(int code) {
    try {
      String text = NvmlCoreApi.nvmlErrorString(code);
      return text == null ? "no message for code " + code : text;
    } catch (UnsatisfiedLinkError e) {
      // Only when the binding was already closed; the code alone must do.
      return "code " + code;
    }
  }

  static NvmlException failure(String function, int code) {
    return new NvmlException(function, code, message(code));
  }

  /** NOT_SUPPORTED and NO_PERMISSION: the value is simply not there, shown as Optional.empty. */
  static boolean isAbsent(int code) {
    return code == NvmlReturn.NVML_ERROR_NOT_SUPPORTED || code == NvmlReturn.NVML_ERROR_NO_PERMISSION;
  }

  /** Decides what one return code means for one device. */
  interface ReturnCheck {
    /**
     * @return true on success, false when the value is absent (NOT_SUPPORTED, NO_PERMISSION)
     * @throws GpuLostException on GPU_IS_LOST, after marking the device lost
     * @throws NvmlException on any other code, from a check for a reading the caller cannot do
     *     without (the snapshot's check for optional readings notes the failure and answers false)
     */
    boolean accept(int code, String function) throws NvmlException;
  }
}
