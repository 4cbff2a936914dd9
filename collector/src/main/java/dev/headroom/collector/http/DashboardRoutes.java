package dev.headroom.collector.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.headroom.analyzer.alert.Alert;
import dev.headroom.collector.charts.MemoryChart;
import dev.headroom.collector.charts.MemoryChartData;
import dev.headroom.collector.charts.SvgMemoryChart;
import dev.headroom.collector.runs.GpuSeries;
import dev.headroom.collector.runs.GpuView;
import dev.headroom.collector.runs.PredictedPeaks;
import dev.headroom.collector.runs.RunRegistry;
import dev.headroom.collector.runs.RunView;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Maps a request path to its answer. Pure: no sockets, so the whole API is testable directly; the
 * Netty handler only adapts requests and answers.
 */
public final class DashboardRoutes {
  static final int DEFAULT_CHART_WIDTH = 900;
  static final int DEFAULT_CHART_HEIGHT = 360;
  private static final int ALERT_LIMIT = 200;

  private final RunRegistry registry;
  private final AlertFeed alerts;
  private final CollectorMetrics metrics;

  public DashboardRoutes(RunRegistry registry, AlertFeed alerts, CollectorMetrics metrics) {
    this.registry = registry;
    this.alerts = alerts;
    this.metrics = metrics;
  }

  /**
   * @param path the raw (still percent-encoded) path, without the query
   * @param query decoded query parameters (first value of each)
   */
  HttpAnswer answer(String path, Map<String, String> query) {
    String[] parts = path.split("/", -1);
    // parts[0] is the empty string before the leading slash.
    if (path.equals("/") || path.isEmpty()) {
      return HttpAnswer.html(DashboardPages.fleet(registry.runs(), registry.latestDeviceReports(), alerts.recent(ALERT_LIMIT)));
    }
    if (path.equals("/healthz")) {
      return HttpAnswer.text(200, "ok\n");
    }
    if (path.equals("/metrics")) {
      return new HttpAnswer(200, metrics.contentType(), metrics.scrape());
    }
    if (path.equals("/api/runs")) {
      ArrayNode out = Json.MAPPER.createArrayNode();
      registry.runs().forEach(r -> out.add(Json.run(r, false, registry::series)));
      return HttpAnswer.json(out.toString());
    }
    if (path.equals("/api/alerts")) {
      ArrayNode out = Json.MAPPER.createArrayNode();
      String runFilter = query.get("run");
      alerts.recent(ALERT_LIMIT).stream()
          .filter(a -> runFilter == null || a.runId().equals(runFilter))
          .forEach(a -> out.add(Json.alert(a)));
      return HttpAnswer.json(out.toString());
    }
    if (parts.length == 4 && parts[1].equals("api") && parts[2].equals("runs")) {
      String runId = Paths.decode(parts[3]);
      return registry.run(runId)
          .map(r -> HttpAnswer.json(Json.run(r, true, registry::series).toString()))
          .orElseGet(() -> HttpAnswer.notFound("run " + runId));
    }
    if (parts.length == 3 && parts[1].equals("runs")) {
      String runId = Paths.decode(parts[2]);
      return registry.run(runId)
          .map(r -> HttpAnswer.html(DashboardPages.run(r, alertsOf(runId), registry.policy().dangerRatio())))
          .orElseGet(() -> HttpAnswer.notFound("run " + runId));
    }
    if (parts.length == 4 && parts[1].equals("charts")) {
      return chart(Paths.decode(parts[2]), parts[3], query);
    }
    return HttpAnswer.notFound(path);
  }

  private List<Alert> alertsOf(String runId) {
    return alerts.recent(ALERT_LIMIT).stream().filter(a -> a.runId().equals(runId)).toList();
  }

  private HttpAnswer chart(String runId, String file, Map<String, String> query) {
    int dot = file.lastIndexOf('.');
    if (dot < 0) {
      return HttpAnswer.notFound("chart " + file + " (expected GPU-UUID.png or GPU-UUID.svg)");
    }
    String uuid = Paths.decode(file.substring(0, dot));
    String extension = file.substring(dot + 1);
    if (!extension.equals("png") && !extension.equals("svg")) {
      return HttpAnswer.notFound("chart format '" + extension + "' (png or svg)");
    }
    Optional<RunView> run = registry.run(runId);
    Optional<GpuView> gpu = run.flatMap(r -> r.gpus().stream().filter(g -> g.uuid().equals(uuid)).findFirst());
    Optional<GpuSeries> series = registry.series(runId, uuid);
    if (gpu.isEmpty() || series.isEmpty()) {
      return HttpAnswer.notFound("GPU " + uuid + " of run " + runId);
    }
    int width;
    int height;
    try {
      width = Integer.parseInt(query.getOrDefault("width", String.valueOf(DEFAULT_CHART_WIDTH)));
      height = Integer.parseInt(query.getOrDefault("height", String.valueOf(DEFAULT_CHART_HEIGHT)));
    } catch (NumberFormatException e) {
      return HttpAnswer.text(400, "width and height must be whole numbers of pixels: " + e.getMessage() + "\n");
    }
    OptionalLong predicted =
        run.get().prediction().map(PredictedPeaks::deviceBytes).map(OptionalLong::of).orElse(OptionalLong.empty());
    MemoryChartData data = MemoryChartData.of(
        runId + " · " + gpu.get().hostname() + " GPU " + gpu.get().index(),
        series.get(),
        predicted,
        gpu.get().usableBytes(),
        gpu.get().totalBytes(),
        registry.policy().dangerRatio());
    try {
      if (extension.equals("png")) {
        return new HttpAnswer(200, "image/png", MemoryChart.png(data, width, height));
      }
      return new HttpAnswer(200, "image/svg+xml",
          SvgMemoryChart.svg(data, width, height).getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return HttpAnswer.text(400, e.getMessage() + "\n");
    }
  }
}
