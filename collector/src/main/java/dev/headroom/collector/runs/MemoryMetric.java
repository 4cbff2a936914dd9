package dev.headroom.collector.runs;

/**
 * Which memory quantity an observed peak is measured in. The predictor gives one figure per metric,
 * and an observation only supports some of them: NVML always gives device memory, the allocator
 * figures exist only when a reporter posts them.
 */
public enum MemoryMetric {
  /** Device memory used as NVML reports it (includes the CUDA context and the allocator's cache). */
  DEVICE,
  /** Bytes in live tensors, from the framework's allocator. */
  ALLOCATED,
  /** Bytes the caching allocator holds from the driver. */
  RESERVED
}
