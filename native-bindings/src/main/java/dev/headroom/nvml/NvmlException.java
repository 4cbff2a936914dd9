package dev.headroom.nvml;

/**
 * An NVML call failed. Carries the function, NVML's return code and NVML's own message, so a log
 * line says exactly what the driver said.
 */
public class NvmlException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String function;
  private final int returnCode;

  public NvmlException(String function, int returnCode, String nvmlMessage) {
    super(function + " returned " + returnCode + " (" + nvmlMessage + ")");
    this.function = function;
    this.returnCode = returnCode;
  }

  protected NvmlException(String message, String function, int returnCode, Throwable cause) {
    super(message, cause);
    this.function = function;
    this.returnCode = returnCode;
  }

  /** The C function that failed, e.g. {@code nvmlDeviceGetMemoryInfo_v2}. */
  public String function() {
    return function;
  }

  /** The {@code nvmlReturn_t} value. */
  public int returnCode() {
    return returnCode;
  }
}
