package dev.headroom.collector.http;

import dev.headroom.analyzer.alert.Alert;
import dev.headroom.collector.runs.GpuView;
import dev.headroom.collector.runs.RunRegistry;
import dev.headroom.collector.runs.RunStatus;
import dev.headroom.collector.runs.RunView;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The collector's own Prometheus metrics, all in one place: names, help and labels. Every family is
 * a callback over the registry's state, so nothing is double-booked and a scrape always sees the
 * registry as it is. Label {@code gpu_uuid} as in the agents' metrics.
 *
 * <p>Thread-safe; one instance per collector (it owns its own {@link PrometheusRegistry}).
 */
public final class CollectorMetrics {
  public static final String RUNS = "headroom_collector_runs";
  public static final String RUN_GPU_USED = "headroom_collector_run_gpu_memory_used_bytes";
  public static final String RUN_GPU_PEAK = "headroom_collector_run_gpu_memory_peak_bytes";
  public static final String RUN_GPU_USABLE = "headroom_collector_run_gpu_memory_usable_bytes";
  public static final String RUN_PREDICTED_PEAK = "headroom_collector_run_predicted_peak_bytes";
  public static final String OBSERVATIONS = "headroom_collector_observations";
  public static final String UNATTRIBUTED = "headroom_collector_unattributed_observations";
  public static final String ALERTS_ACTIVE = "headroom_collector_alerts_active";
  public static final String RECORDING_BYTES = "headroom_collector_recording_bytes";

  private static final int ALERT_SCAN_LIMIT = 10_000;

  private final PrometheusRegistry prometheus = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = ExpositionFormats.init().getPrometheusTextFormatWriter();

  public CollectorMetrics(RunRegistry registry, AlertFeed alerts, LongSupplier recordingBytes) {
    GaugeWithCallback.builder()
        .name(RUNS)
        .help("Runs the collector knows, by status")
        .labelNames("status")
        .callback(
            cb -> {
              Map<RunStatus, Integer> counts = new EnumMap<>(RunStatus.class);
              for (RunStatus s : RunStatus.values()) {
                counts.put(s, 0);
              }
              registry.runs().forEach(r -> counts.merge(r.status(), 1, Integer::sum));
              counts.forEach((s, n) -> cb.call(n, s.name().toLowerCase(Locale.ROOT)));
            })
        .register(prometheus);
    gpuGauge(registry, RUN_GPU_USED, "Device memory used on a run's GPU at the end of its latest report",
        GpuView::lastUsedBytes);
    gpuGauge(registry, RUN_GPU_PEAK, "Highest device memory used on a run's GPU so far", GpuView::peakUsedBytes);
    gpuGauge(registry, RUN_GPU_USABLE, "Usable memory (total minus driver-reserved) of a run's GPU",
        GpuView::usableBytes);
    GaugeWithCallback.builder()
        .name(RUN_PREDICTED_PEAK)
        .help("The run's predicted per-GPU peak device memory")
        .labelNames("run_id")
        .callback(cb -> registry.runs().forEach(
            r -> r.prediction().ifPresent(p -> cb.call(p.deviceBytes(), r.runId()))))
        .register(prometheus);
    CounterWithCallback.builder()
        .name(OBSERVATIONS)
        .help("Observations handed to the run registry")
        .callback(cb -> cb.call(registry.observationCount()))
        .register(prometheus);
    CounterWithCallback.builder()
        .name(UNATTRIBUTED)
        .help("Observations that belonged to no run (idle GPUs, unknown processes)")
        .callback(cb -> cb.call(registry.unattributedCount()))
        .register(prometheus);
    GaugeWithCallback.builder()
        .name(ALERTS_ACTIVE)
        .help("Active alerts by kind and severity")
        .labelNames("kind", "severity")
        .callback(
            cb -> {
              Map<List<String>, Integer> counts = new HashMap<>();
              for (Alert a : alerts.recent(ALERT_SCAN_LIMIT)) {
                if (a.active()) {
                  counts.merge(List.of(a.kind().slug(), a.severity().label()), 1, Integer::sum);
                }
              }
              counts.forEach((labels, n) -> cb.call(n, labels.get(0), labels.get(1)));
            })
        .register(prometheus);
    GaugeWithCallback.builder()
        .name(RECORDING_BYTES)
        .help("Bytes of per-run recordings on disk")
        .callback(cb -> cb.call(recordingBytes.getAsLong()))
        .register(prometheus);
  }

  private void gpuGauge(
      RunRegistry registry, String name, String help, java.util.function.ToLongFunction<GpuView> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("run_id", "gpu_uuid", "hostname")
        .callback(
            cb -> {
              for (RunView run : registry.runs()) {
                for (GpuView gpu : run.gpus()) {
                  cb.call(value.applyAsLong(gpu), run.runId(), gpu.uuid(), String.valueOf(gpu.hostname()));
                }
              }
            })
        .register(prometheus);
  }

  /** The Prometheus text exposition (version 0.0.4) of every family. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try {
      writer.write(out, prometheus.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public String contentType() {
    return writer.getContentType();
  }
}
