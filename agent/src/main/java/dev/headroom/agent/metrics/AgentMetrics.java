package dev.headroom.agent.metrics;

import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.Stats;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The catalogue: every metric the agent exposes, with its help text, registered as callbacks over
 * {@link LatestObservations} so a scrape always shows the newest report and costs nothing between
 * scrapes.
 *
 * <p>Conventions: {@code headroom_} prefix; base units in the name (bytes, seconds, watts,
 * celsius, ratios 0–1); every GPU series has {@code gpu_uuid} (never the index, which changes
 * across reboots). Memory gauges show the last sample of the newest report interval, and {@code
 * headroom_gpu_memory_used_max_bytes} its peak, so a spike between two scrapes is still visible.
 */
public final class AgentMetrics {
  // GPU
  public static final String GPU_MEMORY_TOTAL = "headroom_gpu_memory_total_bytes";
  public static final String GPU_MEMORY_RESERVED = "headroom_gpu_memory_reserved_bytes";
  public static final String GPU_MEMORY_USABLE = "headroom_gpu_memory_usable_bytes";
  public static final String GPU_MEMORY_USED = "headroom_gpu_memory_used_bytes";
  public static final String GPU_MEMORY_USED_MAX = "headroom_gpu_memory_used_max_bytes";
  public static final String GPU_MEMORY_USED_PEAK_RATIO = "headroom_gpu_memory_used_peak_ratio";
  public static final String GPU_STATE = "headroom_gpu_state";
  public static final String GPU_REPORT_SAMPLES = "headroom_gpu_report_samples";
  public static final String GPU_UTILIZATION = "headroom_gpu_utilization_ratio";
  public static final String GPU_TEMPERATURE = "headroom_gpu_temperature_celsius";
  public static final String GPU_POWER = "headroom_gpu_power_watts";
  public static final String GPU_PCIE_TX = "headroom_gpu_pcie_transmit_bytes_per_second";
  public static final String GPU_PCIE_RX = "headroom_gpu_pcie_receive_bytes_per_second";
  public static final String GPU_NVLINK_TX = "headroom_gpu_nvlink_transmit_bytes_per_second";
  public static final String GPU_NVLINK_RX = "headroom_gpu_nvlink_receive_bytes_per_second";
  public static final String GPU_PROCESS_MEMORY_USED = "headroom_gpu_process_memory_used_bytes";
  public static final String GPU_DEAD_PROCESS_MEMORY = "headroom_gpu_dead_process_memory_bytes";
  public static final String GPU_XID_ERRORS = "headroom_gpu_xid_errors_total";
  // allocator (from the reporter)
  public static final String ALLOCATOR_ALLOCATED = "headroom_allocator_allocated_bytes";
  public static final String ALLOCATOR_RESERVED = "headroom_allocator_reserved_bytes";
  public static final String ALLOCATOR_ACTIVE = "headroom_allocator_active_bytes";
  public static final String ALLOCATOR_INACTIVE_SPLIT = "headroom_allocator_inactive_split_bytes";
  public static final String ALLOCATOR_LARGEST_FREE_BLOCK = "headroom_allocator_largest_free_block_bytes";
  public static final String ALLOCATOR_FRAGMENTATION = "headroom_allocator_fragmentation_ratio";
  public static final String ALLOCATOR_RETRIES = "headroom_allocator_alloc_retries_total";
  public static final String ALLOCATOR_OOMS = "headroom_allocator_ooms_total";
  public static final String TRAINING_STEP = "headroom_training_step";
  public static final String RUN_INFO = "headroom_run_info";
  // host
  public static final String HOST_MEMORY_TOTAL = "headroom_host_memory_total_bytes";
  public static final String HOST_MEMORY_AVAILABLE = "headroom_host_memory_available_bytes";
  public static final String HOST_SWAP_TOTAL = "headroom_host_swap_total_bytes";
  public static final String HOST_SWAP_USED = "headroom_host_swap_used_bytes";
  // the agent itself
  public static final String AGENT_DEVICE_READS = "headroom_agent_device_reads_total";
  public static final String AGENT_DEVICE_READ_FAILURES = "headroom_agent_device_read_failures_total";
  public static final String AGENT_DEVICE_PARTIAL_READS = "headroom_agent_device_partial_reads_total";
  public static final String AGENT_REPORTER_POSTS = "headroom_agent_reporter_posts_total";
  public static final String AGENT_RECORDING_DROPPED = "headroom_agent_recording_dropped_observations_total";
  public static final String AGENT_RECORDING_DELETED_SEGMENTS = "headroom_agent_recording_deleted_segments_total";
  public static final String AGENT_SHIPPER_UNACKNOWLEDGED = "headroom_agent_shipper_unacknowledged_frames";
  public static final String AGENT_SHIPPER_DROPPED = "headroom_agent_shipper_dropped_frames_total";

  private static final String[] GPU = {"gpu_uuid"};
  private static final String[] ALLOCATOR = {"pid", "cuda_device", "gpu_uuid"};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final LatestObservations latest;

  /** Registers the whole catalogue over {@code latest}. */
  public AgentMetrics(LatestObservations latest, AgentCounters counters) {
    this.latest = latest;
    registerGpu();
    registerAllocator();
    registerHost();
    registerAgent(counters);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  private void registerGpu() {
    deviceGauge(GPU_MEMORY_TOTAL, "Device memory (framebuffer) size.", r -> Optional.of((double) r.totalBytes()));
    deviceGauge(GPU_MEMORY_RESERVED, "Device memory the driver keeps and no process can get.",
        r -> Optional.of((double) r.reservedBytes()));
    deviceGauge(GPU_MEMORY_USABLE, "Device memory processes can get: total minus reserved.",
        r -> Optional.of((double) r.usableBytes()));
    deviceGauge(GPU_MEMORY_USED, "Device memory used by processes, last sample of the newest report interval.",
        r -> Optional.of((double) r.usedBytes().last()));
    deviceGauge(GPU_MEMORY_USED_MAX, "Peak device memory used during the newest report interval.",
        r -> Optional.of((double) r.usedBytes().max()));
    deviceGauge(GPU_MEMORY_USED_PEAK_RATIO,
        "Peak used / usable memory during the newest report interval (the danger threshold's ratio).",
        r -> Optional.of(r.peakRatio()));
    deviceGauge(GPU_REPORT_SAMPLES, "Samples taken in the newest report interval (0 while the device fails).",
        r -> Optional.of((double) r.sampleCount()));
    deviceGauge(GPU_UTILIZATION, "Share of time a kernel was running, last sample.",
        r -> last(r.gpuUtilizationPercent()).map(v -> v / 100.0));
    deviceGauge(GPU_TEMPERATURE, "GPU temperature, last sample.", r -> last(r.temperatureCelsius()));
    deviceGauge(GPU_POWER, "Power draw, last sample.", r -> last(r.powerMilliwatts()).map(v -> v / 1000.0));
    deviceGauge(GPU_PCIE_TX, "PCIe bytes sent per second, last sample.", r -> last(r.pcieTxBytesPerSecond()));
    deviceGauge(GPU_PCIE_RX, "PCIe bytes received per second, last sample.", r -> last(r.pcieRxBytesPerSecond()));
    deviceGauge(GPU_NVLINK_TX, "NVLink bytes sent per second over all links, last sample.",
        r -> last(r.nvlinkTxBytesPerSecond()));
    deviceGauge(GPU_NVLINK_RX, "NVLink bytes received per second over all links, last sample.",
        r -> last(r.nvlinkRxBytesPerSecond()));
    gauge(GPU_STATE, "1 for the device's current sampler state (ok, failing, lost), 0 for the others.",
        new String[] {"gpu_uuid", "state"},
        cb -> latest.devices().forEach(r -> {
          for (DeviceState s : DeviceState.values()) {
            cb.call(r.state() == s ? 1 : 0, r.uuid(), s.name().toLowerCase(Locale.ROOT));
          }
        }));
    gauge(GPU_PROCESS_MEMORY_USED, "Device memory held by one process, last sample.",
        new String[] {"gpu_uuid", "pid", "process"},
        cb -> latest.devices().forEach(r -> {
          for (ProcessReport p : r.processes()) {
            cb.call(p.usedBytes().last(), r.uuid(), Long.toString(p.pid()), p.name().orElse(""));
          }
        }));
    gauge(GPU_DEAD_PROCESS_MEMORY, "Device memory still charged to processes that no longer exist.", GPU,
        cb -> latest.devices().forEach(r -> cb.call(
            r.processes().stream().filter(p -> !p.alive()).mapToLong(p -> p.usedBytes().last()).sum(), r.uuid())));
    CounterWithCallback.builder()
        .name(GPU_XID_ERRORS)
        .help("Xid (critical driver error) events seen since the agent started, by Xid number.")
        .labelNames("gpu_uuid", "xid")
        .callback(cb -> latest.xidCounts().forEach((k, n) -> cb.call(n, k.uuid(), Long.toString(k.xid()))))
        .register(registry);
  }

  private void registerAllocator() {
    allocatorGauge(ALLOCATOR_ALLOCATED, "Bytes in live tensors, as the training process's allocator reports.",
        s -> Optional.of((double) s.allocatedBytes()));
    allocatorGauge(ALLOCATOR_RESERVED, "Bytes the caching allocator holds from the driver.",
        s -> Optional.of((double) s.reservedBytes()));
    allocatorGauge(ALLOCATOR_ACTIVE, "Bytes in active blocks (live or waiting on a stream).",
        s -> Optional.of((double) s.activeBytes()));
    allocatorGauge(ALLOCATOR_INACTIVE_SPLIT, "Free bytes stranded inside partly used segments (non-releasable).",
        s -> Optional.of((double) s.inactiveSplitBytes()));
    allocatorGauge(ALLOCATOR_LARGEST_FREE_BLOCK, "Largest free block, when the framework can tell.",
        s -> s.largestFreeBlockBytes().isPresent()
            ? Optional.of((double) s.largestFreeBlockBytes().getAsLong()) : Optional.empty());
    allocatorGauge(ALLOCATOR_FRAGMENTATION, "Inactive split bytes / reserved bytes: the allocator's fragmentation.",
        s -> s.reservedBytes() == 0 ? Optional.empty()
            : Optional.of((double) s.inactiveSplitBytes() / s.reservedBytes()));
    CounterWithCallback.builder()
        .name(ALLOCATOR_RETRIES)
        .help("Times the allocator freed its cache and retried a failed device allocation (num_alloc_retries).")
        .labelNames(ALLOCATOR)
        .callback(cb -> latest.allocators().forEach(s -> cb.call(s.numAllocRetries(), allocatorLabels(s))))
        .register(registry);
    CounterWithCallback.builder()
        .name(ALLOCATOR_OOMS)
        .help("Out-of-memory errors the allocator raised (num_ooms).")
        .labelNames(ALLOCATOR)
        .callback(cb -> latest.allocators().forEach(s -> cb.call(s.numOoms(), allocatorLabels(s))))
        .register(registry);
    gauge(TRAINING_STEP, "Last training step the process marked.", new String[] {"pid", "phase"},
        cb -> latest.steps().forEach(s -> cb.call(s.step(), Long.toString(s.pid()), s.phase())));
    gauge(RUN_INFO, "1 for each run that declared its spec recently.", new String[] {"run_id", "pid"},
        cb -> latest.runs().forEach(r -> cb.call(1, r.runId(), Long.toString(r.pid()))));
  }

  private void registerHost() {
    gauge(HOST_MEMORY_TOTAL, "Host RAM size.", new String[0],
        cb -> latest.host().ifPresent(h -> cb.call(h.totalBytes())));
    gauge(HOST_MEMORY_AVAILABLE, "Host RAM available to new allocations without swapping.", new String[0],
        cb -> latest.host().ifPresent(h -> cb.call(h.availableBytes())));
    gauge(HOST_SWAP_TOTAL, "Host swap size.", new String[0],
        cb -> latest.host().ifPresent(h -> cb.call(h.swapTotalBytes())));
    gauge(HOST_SWAP_USED, "Host swap in use.", new String[0],
        cb -> latest.host().ifPresent(h -> cb.call(h.swapUsedBytes())));
  }

  private void registerAgent(AgentCounters c) {
    counter(AGENT_DEVICE_READS, "Successful device reads by the sampler.", c.deviceReads());
    counter(AGENT_DEVICE_READ_FAILURES, "Failed device reads (the device is retried with backoff).",
        c.deviceReadFailures());
    counter(AGENT_DEVICE_PARTIAL_READS,
        "Successful device reads that lacked a reading other than memory (e.g. utilization answered UNKNOWN).",
        c.devicePartialReads());
    CounterWithCallback.builder()
        .name(AGENT_REPORTER_POSTS)
        .help("Posts to the reporter endpoint, by result (accepted, rejected as malformed).")
        .labelNames("result")
        .callback(cb -> {
          cb.call(c.reporterAccepted().getAsLong(), "accepted");
          cb.call(c.reporterRejected().getAsLong(), "rejected");
        })
        .register(registry);
    counter(AGENT_RECORDING_DROPPED, "Observations the local recording could not write (e.g. a full disk).",
        c.recordingDropped());
    counter(AGENT_RECORDING_DELETED_SEGMENTS, "Oldest recording segments deleted to stay within the size bound.",
        c.recordingDeletedSegments());
    gauge(AGENT_SHIPPER_UNACKNOWLEDGED, "Frames not yet acknowledged by the collector (buffered on disk).",
        new String[0], cb -> cb.call(c.shipperUnacknowledged().getAsLong()));
    counter(AGENT_SHIPPER_DROPPED, "Frames dropped, oldest first, because the shipper's buffer was full.",
        c.shipperDropped());
  }

  private static Optional<Double> last(Optional<Stats> stats) {
    return stats.map(s -> (double) s.last());
  }

  private static String[] allocatorLabels(AllocatorSample s) {
    return new String[] {Long.toString(s.pid()), Integer.toString(s.cudaDevice()), s.uuid().orElse("")};
  }

  private void deviceGauge(String name, String help, Function<DeviceReport, Optional<Double>> value) {
    gauge(name, help, GPU, cb -> latest.devices().forEach(r -> value.apply(r).ifPresent(v -> cb.call(v, r.uuid()))));
  }

  private void allocatorGauge(String name, String help, Function<AllocatorSample, Optional<Double>> value) {
    gauge(name, help, ALLOCATOR,
        cb -> latest.allocators().forEach(s -> value.apply(s).ifPresent(v -> cb.call(v, allocatorLabels(s)))));
  }

  private void gauge(String name, String help, String[] labels, Consumer<GaugeWithCallback.Callback> callback) {
    GaugeWithCallback.builder().name(name).help(help).labelNames(labels).callback(callback).register(registry);
  }

  private void counter(String name, String help, LongSupplier value) {
    CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
  }
}
