package dev.headroom.cli.demo;

import dev.headroom.collector.http.Html;
import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertEvent;
import dev.headroom.collector.charts.MemoryChart;
import dev.headroom.collector.charts.MemoryChartData;
import dev.headroom.collector.runs.GpuSeries;
import dev.headroom.collector.runs.GpuView;
import dev.headroom.collector.runs.MemoryMetric;
import dev.headroom.collector.runs.PeakComparison;
import dev.headroom.collector.runs.PredictedPeaks;
import dev.headroom.collector.runs.RunRegistry;
import dev.headroom.collector.runs.RunView;
import dev.headroom.nvml.sim.SimulationClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The demo's HTML report: the fleet at the end (per GPU: peak and last used memory, usable, the
 * prediction and how the observed peak compares), every alert raised and resolved with its
 * explanation and next step, the crashes, and one PNG chart per GPU drawn by the collector's
 * {@link MemoryChart} from the series the collector kept. Self-contained: the HTML file and a
 * folder of charts beside it, no scripts, nothing fetched from the network.
 */
final class DemoReport {
  static final int CHART_WIDTH_PIXELS = 960;
  static final int CHART_HEIGHT_PIXELS = 360;

  /** What the report is written from, taken when the demo ends. */
  record Input(
      String scenarioName,
      String scenarioOrigin,
      DemoPace pace,
      Instant writtenAt,
      FleetTable.Snapshot fleet,
      List<AlertEvent> alertEvents,
      RunRegistry registry,
      double dangerRatio,
      SimulationClock simulation) {}

  /** The files written: the HTML first, then the charts. */
  record Written(Path html, List<Path> charts) {}

  private DemoReport() {}

  /** Writes {@code html} and its charts into {@code <name>-charts/} beside it. */
  static Written write(Path html, Input in) throws IOException {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // a demo on a server has no display for AWT
    }
    Path parent = html.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    String stem = stem(html.getFileName().toString());
    Path chartDir = parent.resolve(stem + "-charts");
    Files.createDirectories(chartDir);

    List<FleetTable.Row> rows = FleetTable.rows(in.fleet());
    List<Path> charts = new ArrayList<>();
    Map<FleetTable.Row, String> chartOf = new LinkedHashMap<>();
    int n = 0;
    for (FleetTable.Row row : rows) {
      Optional<GpuSeries> series = in.registry().series(row.run().runId(), row.gpu().uuid());
      if (series.isEmpty() || series.get().usedBytes().isEmpty()) {
        continue;
      }
      GpuView g = row.gpu();
      MemoryChartData data = MemoryChartData.of(row.run().runId() + " - " + g.hostname() + " GPU " + g.index(),
          series.get(), predicted(row.run()), g.usableBytes(), g.totalBytes(), in.dangerRatio());
      String name = String.format(Locale.ROOT, "%02d-%s-gpu%d.png", ++n, safe(g.hostname()), g.index());
      Path file = chartDir.resolve(name);
      Files.write(file, MemoryChart.png(data, CHART_WIDTH_PIXELS, CHART_HEIGHT_PIXELS));
      charts.add(file);
      chartOf.put(row, chartDir.getFileName() + "/" + name);
    }
    Files.writeString(html, page(in, rows, chartOf), StandardCharsets.UTF_8);
    return new Written(html, List.copyOf(charts));
  }

  private static String page(Input in, List<FleetTable.Row> rows, Map<FleetTable.Row, String> chartOf) {
    StringBuilder h = new StringBuilder(32 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>headroom demo report</title>"
        + "<style>body{font-family:sans-serif;margin:2em;max-width:1100px;color:#222}"
        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;"
        + "vertical-align:top}th{background:#f4f4f4}.num{text-align:right}.danger{color:#b00020;font-weight:bold}"
        + ".warning{color:#a05a00}.ok{color:#1b7a1b}img{max-width:100%;border:1px solid #eee}"
        + "code{background:#f4f4f4;padding:1px 4px}</style></head><body>\n");
    h.append("<h1>headroom demo report</h1>\n<p>Scenario <b>").append(esc(in.scenarioName())).append("</b> from <code>")
        .append(esc(in.scenarioOrigin())).append("</code>: ").append(FleetTable.span(in.fleet().simulatedElapsed()))
        .append(" of simulated training at ").append(esc(speed(in.pace().speed()))).append("&times; speed (")
        .append(in.pace().wallDuration().toSeconds()).append(" s of wall time). ").append(rows.size())
        .append(" GPU(s), ").append(countRaised(in.alertEvents())).append(" alert(s) raised, ")
        .append(in.fleet().crashes().size()).append(" out-of-memory crash(es). Written ").append(in.writtenAt())
        .append(".</p>\n");

    h.append("<h2>Fleet</h2>\n<table><tr><th>host</th><th>GPU</th><th>run</th><th>peak used</th><th>last used</th>"
        + "<th>usable</th><th>peak / usable</th><th>predicted peak</th><th>observed / predicted</th>"
        + "<th>state at the end</th></tr>\n");
    for (FleetTable.Row r : rows) {
      GpuView g = r.gpu();
      OptionalLong predicted = predicted(r.run());
      String css = r.crashed() ? "danger" : switch (r.level()) {
        case OK -> "ok";
        case WARNING -> "warning";
        case DANGER, UNREADABLE -> "danger";
      };
      h.append("<tr><td>").append(esc(g.hostname())).append("</td><td>").append(g.index()).append(' ')
          .append(esc(FleetTable.shortName(g.name()))).append("</td><td>").append(esc(r.run().runId()))
          .append("</td><td class=\"num\">").append(gib(g.peakUsedBytes())).append("</td><td class=\"num\">")
          .append(gib(g.lastUsedBytes())).append("</td><td class=\"num\">").append(gib(g.usableBytes()))
          .append("</td><td class=\"num\">").append(percent(g.peakRatio())).append("</td><td class=\"num\">")
          .append(predicted.isPresent() ? gib(predicted.getAsLong()) : "&mdash;").append("</td><td class=\"num\">")
          .append(deviceComparison(g).map(c -> String.format(Locale.ROOT, "%.2f", c.observedOverPredicted()))
              .orElse("&mdash;"))
          .append("</td><td class=\"").append(css).append("\">").append(esc(r.state())).append("</td></tr>\n");
    }
    h.append("</table>\n");

    h.append("<h2>Alerts</h2>\n");
    if (in.alertEvents().isEmpty()) {
      h.append("<p>No alert was raised.</p>\n");
    } else {
      h.append("<table><tr><th>simulated time</th><th>event</th><th>alert</th><th>severity</th><th>run</th>"
          + "<th>where</th><th>explanation</th><th>next step</th></tr>\n");
      for (AlertEvent e : in.alertEvents()) {
        Alert a = e.alert();
        boolean raised = e instanceof AlertEvent.Raised;
        Instant at = raised ? a.raisedAt() : a.resolvedAt().orElse(a.raisedAt());
        h.append("<tr><td>").append(simulatedTime(at, in.simulation())).append("</td><td>")
            .append(raised ? "raised" : "resolved").append("</td><td>").append(esc(a.kind().slug()))
            .append("</td><td>").append(esc(a.severity().label())).append("</td><td>").append(esc(a.runId()))
            .append("</td><td>").append(esc(a.hostname() + a.gpuUuid().map(u -> " " + u).orElse("")))
            .append("</td><td>").append(raised ? esc(a.explanation()) : "").append("</td><td>")
            .append(raised ? esc(a.suggestedAction()) : "").append("</td></tr>\n");
      }
      h.append("</table>\n");
    }

    if (!in.fleet().crashes().isEmpty()) {
      h.append("<h2>Out-of-memory crashes</h2>\n<ul>\n");
      for (OomWatch.Crash c : in.fleet().crashes()) {
        h.append("<li>").append(simulatedTime(c.at(), in.simulation())).append(": <b>").append(esc(c.runId()))
            .append("</b> on ").append(esc(c.hostname())).append(' ').append(esc(c.gpuUuid()))
            .append(" died of CUDA out of memory; the allocator held ").append(gib(c.reservedBytes()))
            .append(" GiB.</li>\n");
      }
      h.append("</ul>\n");
    }

    h.append("<h2>Memory over time</h2>\n<p>Per GPU: used and usable device memory, the allocator's allocated and "
        + "reserved bytes (posted by the reporter), the predicted peak, the ")
        .append(Math.round(in.dangerRatio() * 100)).append(" % danger line and the capacity.</p>\n");
    String lastRun = null;
    for (Map.Entry<FleetTable.Row, String> chart : chartOf.entrySet()) {
      RunView run = chart.getKey().run();
      if (!run.runId().equals(lastRun)) {
        lastRun = run.runId();
        h.append("<h3>").append(esc(run.runId())).append("</h3>\n");
        run.prediction().map(PredictedPeaks::summary).ifPresent(s -> h.append("<p>Prediction: ").append(esc(s))
            .append("</p>\n"));
        run.predictionError().ifPresent(s -> h.append("<p>No prediction: ").append(esc(s)).append("</p>\n"));
      }
      GpuView g = chart.getKey().gpu();
      h.append("<p><img src=\"").append(esc(chart.getValue())).append("\" alt=\"memory of ").append(esc(run.runId()))
          .append(" on ").append(esc(g.hostname())).append(" GPU ").append(g.index()).append("\" width=\"")
          .append(CHART_WIDTH_PIXELS).append("\"></p>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static long countRaised(List<AlertEvent> events) {
    return events.stream().filter(e -> e instanceof AlertEvent.Raised).count();
  }

  private static Optional<PeakComparison> deviceComparison(GpuView g) {
    return g.comparisons().stream().filter(c -> c.metric() == MemoryMetric.DEVICE).findFirst();
  }

  private static OptionalLong predicted(RunView run) {
    return run.prediction().map(p -> OptionalLong.of(p.deviceBytes())).orElse(OptionalLong.empty());
  }

  private static String simulatedTime(Instant at, SimulationClock simulation) {
    return FleetTable.clock(Duration.ofNanos(Math.round(simulation.secondsAt(at) * 1e9)));
  }

  private static String stem(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static String gib(long bytes) {
    return FleetTable.gib(bytes);
  }

  private static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.0f %%", ratio * 100);
  }

  private static String speed(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  static String esc(String s) {
    return Html.escape(s);
  }
}
