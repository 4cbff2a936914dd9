package dev.headroom.analyzer.postmortem.log;

/**
 * The shape of an out-of-memory report, which decides which numbers can be read from it and
 * which next step fits.
 */
enum ReportKind {
  /** PyTorch's caching-allocator message (CUDA, HIP, XPU; every version's sentence shape). */
  TORCH_ALLOCATOR,
  /** A CUDA runtime error with no allocator numbers ("CUDA error: out of memory"). */
  CUDA_RUNTIME_ERROR,
  CUBLAS_ALLOC_FAILED,
  NCCL_CUDA_FAILURE,
  MPS_ALLOCATOR,
  /** vLLM refusing to start: free memory below gpu_memory_utilization × total. */
  VLLM_STARTUP,
  /** vLLM with no room left for KV-cache blocks. */
  VLLM_KV_CACHE,
  /** XLA's RESOURCE_EXHAUSTED (JAX). */
  XLA_RESOURCE_EXHAUSTED,
  /** A BFC allocator's "ran out of memory" line or its chunk/stats dump (TensorFlow or XLA). */
  BFC_ALLOCATOR,
  /** TensorFlow's "OOM when allocating" or its Eigen allocator failure. */
  TF_OOM,
  CUPY_POOL
}
