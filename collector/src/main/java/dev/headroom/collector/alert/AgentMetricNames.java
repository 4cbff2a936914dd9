package dev.headroom.collector.alert;

/**
 * The agent's /metrics names the Prometheus rules are written against. The collector cannot depend
 * on the agent, so they are repeated here, once; they must match {@code
 * dev.headroom.agent.metrics.AgentMetrics} (checked by hand when either changes; docs/alerts.md
 * lists them).
 */
final class AgentMetricNames {
  private AgentMetricNames() {}

  static final String GPU_LABEL = "gpu_uuid";
  static final String GPU_MEMORY_USED = "headroom_gpu_memory_used_bytes";
  static final String GPU_MEMORY_USABLE = "headroom_gpu_memory_usable_bytes";
  static final String GPU_MEMORY_USED_MAX = "headroom_gpu_memory_used_max_bytes";
  static final String GPU_MEMORY_USED_PEAK_RATIO = "headroom_gpu_memory_used_peak_ratio";
  /** Labels {@code gpu_uuid} and {@code state} (ok, failing, lost); 1 for the current state. */
  static final String GPU_STATE = "headroom_gpu_state";
  static final String GPU_DEAD_PROCESS_MEMORY = "headroom_gpu_dead_process_memory_bytes";
  /** Counter, labels {@code gpu_uuid} and {@code xid}. */
  static final String GPU_XID_ERRORS = "headroom_gpu_xid_errors_total";
  /** Allocator gauges carry {@code pid}, {@code cuda_device} and {@code gpu_uuid} (empty when unknown). */
  static final String ALLOCATOR_ALLOCATED = "headroom_allocator_allocated_bytes";
  static final String ALLOCATOR_RESERVED = "headroom_allocator_reserved_bytes";
  static final String ALLOCATOR_RETRIES = "headroom_allocator_alloc_retries_total";
}
