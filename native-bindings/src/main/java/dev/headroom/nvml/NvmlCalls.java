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

  /**
   * Decides what one return code means for one device. SUCCESS and the absent codes mean the same
   * to every check; only what a failure means differs (at open, for memory, for an optional reading),
   * so a check says just that in {@link #onFailure}.
   */
  interface ReturnCheck {
    /**
     * @return true on success, false when the value is absent (NOT_SUPPORTED, NO_PERMISSION) or
     *     when {@link #onFailure} answers false
     * @throws GpuLostException on GPU_IS_LOST, after marking the device lost (checks past open)
     * @throws NvmlException on any other code, from a check for a reading the caller cannot do
     *     without (the snapshot's check for optional readings notes the failure and answers false)
     */
    default boolean accept(int code, String function) throws NvmlException {
      if (code == NvmlReturn.NVML_SUCCESS) {
        return true;
      }
      if (isAbsent(code)) {
        return false;
      }
      return onFailure(code, function);
    }

    /**
     * What a code other than SUCCESS, NOT_SUPPORTED and NO_PERMISSION means to this check.
     *
     * @return false when the reading may be missing from the result, after the check noted why
     * @throws NvmlException when the caller cannot do without the reading
     */
    boolean onFailure(int code, String function) throws NvmlException;
  }
}
