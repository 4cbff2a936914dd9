package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;

/** {@code nvmlSystemGetCudaDriverVersion_v2}: asks libcuda, so it can fail on its own. */
public final class NvmlCudaVersionApi {
  private NvmlCudaVersionApi() {}

  /** @param cudaDriverVersion int*, e.g. 12020 for 12.2 */
  public static native int nvmlSystemGetCudaDriverVersion_v2(Pointer cudaDriverVersion);
}
