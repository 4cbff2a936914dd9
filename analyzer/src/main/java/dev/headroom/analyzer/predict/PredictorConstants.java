package dev.headroom.analyzer.predict;

/**
 * Every constant of the model that is not a count of elements, each with a physical meaning; the
 * sources are in docs/predictor.md. None is fitted to an individual measurement.
 *
 * @param cudaContextBytes CUDA context plus the kernel images a training step loads (cuBLAS,
 *     cuDNN, NCCL, flash-attn): NVML counts it, torch does not
 * @param fragmentation cached-but-unallocated fraction of reserved over allocated at the peak
 * @param fragmentationExpandable the same with {@code expandable_segments:True}
 * @param fragmentationFsdp the same under FSDP sharding over more than one GPU: its all-gathers
 *     and reduce-scatters run on their own streams, the caching allocator pools blocks per stream,
 *     and a block freed while another stream still uses it ({@code record_stream}) cannot be
 *     reused until that stream's work is done, so a step holds more segments than its live bytes
 * @param ncclBytes NCCL's own buffers per process when more than one GPU communicates
 * @param cublasWorkspaceHopperBytes cuBLAS workspace per stream on sm90
 * @param cublasWorkspaceBytes cuBLAS (+cuBLASLt) workspace per stream elsewhere
 * @param zeroBucketElements DeepSpeed {@code reduce_bucket_size} / {@code allgather_bucket_size}
 * @param gpusPerNode GPUs that share one host's RAM when state is offloaded
 */
public record PredictorConstants(
    long cudaContextBytes,
    double fragmentation,
    double fragmentationExpandable,
    double fragmentationFsdp,
    long ncclBytes,
    long cublasWorkspaceHopperBytes,
    long cublasWorkspaceBytes,
    long zeroBucketElements,
    int gpusPerNode) {

  private static final long MIB = 1L << 20;

  public static PredictorConstants standard() {
    return new PredictorConstants(
        1024 * MIB,
        0.15,
        0.03,
        0.30,
        256 * MIB,
        32 * MIB,
        8 * MIB + 128 * 1024 + MIB,
        500_000_000L,
        8);
  }
}
