package dev.headroom.collector.http;

import static dev.headroom.collector.http.Html.escape;
import static dev.headroom.collector.http.Html.gib;
import static dev.headroom.collector.http.Html.percent;

import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.collector.runs.GpuView;
import dev.headroom.collector.runs.PeakComparison;
import dev.headroom.collector.runs.RunView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The dashboard's two pages, rendered on the server so they show everything without JavaScript; a
 * few lines of script then poll the API (fleet) or reload the charts (run) every few seconds. No
 * external assets: the page works offline.
 */
final class DashboardPages {
  static final int REFRESH_SECONDS = 5;

  private static final String STYLE =
      """
      body{font-family:sans-serif;margin:1.5em;color:#222}
      table{border-collapse:collapse;margin-bottom:1.5em}
      th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
      th{background:#f3f3f3}
      .level-ok{color:#2ca02c}.level-warning{color:#e69500}.level-danger{color:#d62728;font-weight:bold}
      .level-unreadable{color:#777}
      .severity-critical{border-left:6px solid #d62728}.severity-warning{border-left:6px solid #e69500}
      .severity-info{border-left:6px solid #1f77b4}
      ul.alerts{list-style:none;padding:0}ul.alerts li{margin:4px 0;padding:4px 8px;background:#fafafa}
      .resolved{opacity:.6}
      figure.chart{margin:0 0 1em 0}
      code{background:#f3f3f3;padding:1px 4px}
      """;

  private DashboardPages() {}

  static String fleet(List<RunView> runs, List<DeviceReport> gpus, List<Alert> alerts) {
    StringBuilder html = head("headroom — fleet");
    html.append("<h1>headroom fleet</h1>\n");
    html.append("<h2>Runs</h2>\n<table id=\"runs\"><thead><tr><th>run</th><th>host</th><th>GPUs</th>"
        + "<th>used / usable (max)</th><th>level</th><th>status</th><th>predicted peak / GPU</th>"
        + "</tr></thead><tbody>\n");
    List<RunView> shortLived = new ArrayList<>();
    for (RunView run : runs) {
      if (ShortLivedProcesses.isShortLived(run)) {
        shortLived.add(run);
        continue;
      }
      html.append("<tr class=\"run\"><td><a href=\"").append(escape(Paths.runPage(run.runId()))).append("\">")
          .append(escape(run.runId())).append("</a></td><td>").append(escape(String.join(", ", run.hosts())))
          .append("</td><td>").append(run.gpus().size()).append("</td><td>").append(percent(run.maxLastRatio()))
          .append("</td><td class=\"level-").append(lower(run.worstLevel())).append("\">")
          .append(lower(run.worstLevel())).append("</td><td>").append(lower(run.status())).append("</td><td>")
          .append(run.prediction().map(p -> gib(p.deviceBytes())).orElse("—")).append("</td></tr>\n");
    }
    html.append("</tbody></table>\n");
    // Folded, not dropped: each short-lived process keeps its run page.
    html.append("<details id=\"short-lived\"><summary><span class=\"count\">").append(shortLived.size())
        .append("</span> short-lived process(es): no run declared, ended within ")
        .append(ShortLivedProcesses.LIMIT.toMinutes()).append(" min of starting</summary>\n")
        .append("<table><thead><tr><th>process run</th><th>host</th><th>GPU</th><th>lived</th>"
            + "<th title=\"the most the process itself held (NVML per-process memory), not the whole GPU\">"
            + "process peak</th><th>last seen</th></tr></thead><tbody>\n");
    for (RunView run : shortLived) {
      html.append("<tr class=\"short\"><td><a href=\"").append(escape(Paths.runPage(run.runId()))).append("\">")
          .append(escape(run.runId())).append("</a></td><td>").append(escape(String.join(", ", run.hosts())))
          .append("</td><td>").append(escape(gpuIndexes(run))).append("</td><td>")
          // Rounded as the page's script rounds it, so a redraw does not change 39 s into 40 s.
          .append(Math.round(Duration.between(run.startedAt(), run.lastSeenAt()).toMillis() / 1000.0))
          .append(" s</td><td>")
          .append(processPeak(run)).append("</td><td>")
          .append(escape(run.lastSeenAt())).append("</td></tr>\n");
    }
    html.append("</tbody></table></details>\n");
    html.append("<h2>GPUs</h2>\n<table id=\"gpus\"><thead><tr><th>host</th><th>index</th><th>name</th>"
        + "<th>uuid</th><th>used</th><th>usable</th><th>ratio (max)</th><th>state</th></tr></thead><tbody>\n");
    for (DeviceReport gpu : gpus) {
      html.append("<tr><td>").append(escape(gpu.hostname())).append("</td><td>").append(gpu.index())
          .append("</td><td>").append(escape(gpu.name())).append("</td><td><code>").append(escape(gpu.uuid()))
          .append("</code></td><td>").append(gib(gpu.usedBytes().last())).append("</td><td>")
          .append(gib(gpu.usableBytes())).append("</td><td>").append(percent(gpu.peakRatio()))
          .append("</td><td>").append(lower(gpu.state())).append("</td></tr>\n");
    }
    html.append("</tbody></table>\n");
    alertList(html, alerts);
    html.append(SCRIPT_FLEET);
    return html.append("</body></html>\n").toString();
  }

  static String run(RunView run, List<Alert> alerts, double dangerRatio) {
    StringBuilder html = head("headroom — " + run.runId());
    html.append("<p><a href=\"/\">← fleet</a></p>\n<h1>run <code>").append(escape(run.runId()))
        .append("</code></h1>\n<p>").append(run.hosts().size() == 1 ? "host " : "hosts ")
        .append(escape(String.join(", ", run.hosts()))).append(" · status <b>")
        .append(lower(run.status())).append("</b> · started ").append(escape(run.startedAt()))
        .append(" · last seen ").append(escape(run.lastSeenAt()));
    run.lastStep().ifPresent(s -> html.append(" · step ").append(s));
    html.append("</p>\n");
    run.prediction()
        .ifPresent(p -> html.append("<p class=\"prediction\">prediction: <b>").append(gib(p.deviceBytes()))
            .append("</b> per GPU — ").append(escape(p.summary())).append("</p>\n"));
    run.predictionError()
        .ifPresent(e -> html.append("<p class=\"prediction-error\">no prediction: ").append(escape(e)).append("</p>\n"));
    if (run.specJson().isEmpty()) {
      html.append("<p>No run spec declared: observed without a prediction.</p>\n");
    }
    alertList(html, alerts);
    html.append("<h2>GPUs</h2>\n");
    for (GpuView gpu : run.gpus()) {
      html.append("<section class=\"gpu\" data-uuid=\"").append(escape(gpu.uuid())).append("\"><h3>")
          .append(escape(gpu.hostname())).append(" GPU ").append(gpu.index()).append(" · ").append(escape(gpu.name()))
          .append(" · <span class=\"level-").append(lower(gpu.level())).append("\">").append(lower(gpu.level()))
          .append("</span></h3>\n<p>used ").append(gib(gpu.lastUsedBytes())).append(" of ")
          .append(gib(gpu.usableBytes())).append(" usable (").append(percent(gpu.lastRatio()))
          .append("); peak ").append(gib(gpu.peakUsedBytes())).append(" (").append(percent(gpu.peakRatio()))
          .append("); danger line at ").append(percent(dangerRatio)).append(" of usable; capacity ")
          .append(gib(gpu.totalBytes())).append("</p>\n");
      if (!gpu.comparisons().isEmpty()) {
        html.append("<table class=\"vs-prediction\"><tr><th>metric</th><th>observed peak</th>"
            + "<th>predicted</th><th>observed / predicted</th></tr>\n");
        for (PeakComparison c : gpu.comparisons()) {
          html.append("<tr><td>").append(lower(c.metric())).append("</td><td>").append(gib(c.observedPeakBytes()))
              .append("</td><td>").append(gib(c.predictedBytes())).append("</td><td>")
              .append(String.format(Locale.ROOT, "%.2f", c.observedOverPredicted())).append("</td></tr>\n");
        }
        html.append("</table>\n");
      }
      String png = Paths.chart(run.runId(), gpu.uuid(), "png");
      String svg = Paths.chart(run.runId(), gpu.uuid(), "svg");
      // data-loaded lets a headless browser test tell that the server's image really decoded.
      html.append("<figure class=\"chart\"><img class=\"chart\" width=\"900\" height=\"360\""
              + " onload=\"this.dataset.loaded='yes'\" alt=\"memory of GPU ")
          .append(gpu.index()).append("\" src=\"").append(escape(png)).append("\"><figcaption><a href=\"")
          .append(escape(svg)).append("\">SVG</a> · <a href=\"").append(escape(png)).append("\">PNG</a>")
          .append("</figcaption></figure></section>\n");
    }
    html.append(SCRIPT_RUN);
    return html.append("</body></html>\n").toString();
  }

  private static void alertList(StringBuilder html, List<Alert> alerts) {
    html.append("<h2>Alerts</h2>\n<ul id=\"alerts\" class=\"alerts\">\n");
    if (alerts.isEmpty()) {
      html.append("<li class=\"none\">no alerts</li>\n");
    }
    for (Alert alert : alerts) {
      html.append("<li class=\"alert severity-").append(alert.severity().label())
          .append(alert.active() ? "" : " resolved").append("\"><b>").append(escape(alert.kind().slug()))
          .append("</b> ").append(alert.severity().label()).append(" · ").append(escape(alert.runId()))
          .append(alert.gpuUuid().map(u -> " · " + escape(u)).orElse("")).append(" · raised ")
          .append(escape(alert.raisedAt()))
          .append(alert.resolvedAt().map(r -> " · resolved " + escape(r)).orElse(" · active"))
          .append("<br>").append(escape(alert.explanation())).append("<br><i>next: ")
          .append(escape(alert.suggestedAction())).append("</i></li>\n");
    }
    html.append("</ul>\n");
  }

  private static StringBuilder head(String title) {
    return new StringBuilder(8192)
        .append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(escape(title)).append("</title><style>").append(STYLE).append("</style></head><body>\n");
  }

  /**
   * What the process itself held at most, on any of its GPUs. The GPU's used memory would count
   * the training job beside it; a summary of an older collector lacks the figure ("—").
   */
  private static String processPeak(RunView run) {
    OptionalLong peak = run.gpus().stream().map(GpuView::peakProcessUsedBytes).filter(OptionalLong::isPresent)
        .mapToLong(OptionalLong::getAsLong).max();
    return peak.isPresent() ? gib(peak.getAsLong()) : "—";
  }

  private static String gpuIndexes(RunView run) {
    return String.join(", ", run.gpus().stream().map(g -> Integer.toString(g.index())).toList());
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Re-renders the runs table from /api/runs so the fleet view stays live without reloads. */
  private static final String SCRIPT_FLEET =
      """
      <script>
      (function(){
        function esc(s){return String(s).replace(/[&<>"']/g,function(c){return '&#'+c.charCodeAt(0)+';';});}
        function gib(b){return (b/1073741824).toFixed(1)+' GiB';}
        function refresh(){
          fetch('/api/runs').then(function(r){return r.json();}).then(function(runs){
            function link(run){return '<a href="/runs/'+encodeURIComponent(run.runId)+'">'+esc(run.runId)+'</a>';}
            function hosts(run){return esc((run.hosts||[run.hostname]).join(', '));}
            var rows=runs.filter(function(run){return !run.shortLived;}).map(function(run){
              return '<tr class="run"><td>'+link(run)+'</td><td>'
                +hosts(run)+'</td><td>'+run.gpus.length+'</td><td>'+(run.maxRatio*100).toFixed(1)+' %</td>'
                +'<td class="level-'+run.level+'">'+run.level+'</td><td>'+run.status+'</td><td>'
                +(run.prediction?gib(run.prediction.deviceBytes):'—')+'</td></tr>';
            });
            var short=runs.filter(function(run){return run.shortLived;}).map(function(run){
              var peaks=run.gpus.map(function(g){return g.peakProcessUsedBytes;}).filter(function(b){return b!=null;});
              var lived=Math.round((Date.parse(run.lastSeenAt)-Date.parse(run.startedAt))/1000);
              return '<tr class="short"><td>'+link(run)+'</td><td>'+hosts(run)+'</td><td>'
                +esc(run.gpus.map(function(g){return g.index;}).join(', '))+'</td><td>'+lived+' s</td><td>'
                +(peaks.length?gib(Math.max.apply(null,peaks)):'—')+'</td><td>'+esc(run.lastSeenAt)+'</td></tr>';
            });
            document.querySelector('#runs tbody').innerHTML=rows.join('');
            document.querySelector('#short-lived tbody').innerHTML=short.join('');
            document.querySelector('#short-lived .count').textContent=short.length;
            document.body.dataset.polled=new Date().toISOString();
          }).catch(function(){});
        }
        refresh();
        setInterval(refresh, REFRESH_MS);
      })();
      </script>
      """.replace("REFRESH_MS", Integer.toString(REFRESH_SECONDS * 1000));

  /** Reloads the chart images (the server redraws them) every few seconds. */
  private static final String SCRIPT_RUN =
      """
      <script>
      setInterval(function(){
        document.querySelectorAll('img.chart').forEach(function(img){
          img.src=img.src.split('?')[0]+'?t='+Date.now();
        });
      }, REFRESH_MS);
      </script>
      """.replace("REFRESH_MS", Integer.toString(REFRESH_SECONDS * 1000));
}
