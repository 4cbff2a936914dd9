package dev.headroom.nvml;

/**
 * NVML cannot be used at all: the library is missing (no driver installed), is the CUDA stub, or
 * {@code nvmlInit_v2} failed. The message says which and what to do.
 */
public final class NvmlUnavailableException extends NvmlException {
  private static final long serialVersionUID = 1L;

  public NvmlUnavailableException(String message, String function, int returnCode, Throwable cause) {
    super(message, function, returnCode, cause);
  }
}
