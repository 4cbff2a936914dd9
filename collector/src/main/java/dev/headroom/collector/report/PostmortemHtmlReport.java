package dev.headroom.collector.report;

import dev.headroom.collector.http.Html;
import dev.headroom.analyzer.postmortem.ByteCount;
import dev.headroom.analyzer.postmortem.log.OomEvent;
import dev.headroom.analyzer.postmortem.recording.GpuTimeline;
import dev.headroom.analyzer.postmortem.recording.RecordingReport;
import dev.headroom.analyzer.postmortem.snapshot.SnapshotReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Writes the post-mortem as {@code index.html} plus PNG charts into one directory. Self-contained:
 * no scripts, no stylesheets or fonts from the network; the directory can be zipped and mailed.
 */
public final class PostmortemHtmlReport {

  /** Where the danger line is drawn, as on the dashboard. */
  public static final double DANGER_RATIO = 0.90;

  private PostmortemHtmlReport() {}

  /** Writes the report; returns the files written (index.html first). */
  public static List<Path> write(Path dir, PostmortemFindings f) throws IOException {
    // Charts are drawn off-screen; a CLI on a server has no display to open.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    Path index = dir.resolve("index.html");
    written.add(index);
    StringBuilder h = new StringBuilder(16 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<title>headroom post-mortem</title><style>"
        + "body{font-family:sans-serif;margin:2em;max-width:1000px;color:#222}"
        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
        + "th{background:#f4f4f4}.v{font-weight:bold}.step{color:#05529b}img{max-width:100%;border:1px solid #eee}"
        + "code{background:#f4f4f4;padding:1px 4px}</style></head><body>\n");
    h.append("<h1>headroom post-mortem</h1>\n<p>").append(f.events().size()).append(" OOM event(s), ")
        .append(f.snapshots().size()).append(" allocator snapshot(s), ").append(f.recordings().size())
        .append(" recording(s).</p>\n");
    int chart = 0;

    if (!f.events().isEmpty()) {
      h.append("<h2>OOM events from logs</h2>\n<table><tr><th>where</th><th>framework</th><th>GPU</th>"
          + "<th>tried</th><th>total</th><th>free</th><th>allocated</th><th>reserved, unallocated</th>"
          + "<th>processes</th><th>verdict</th></tr>\n");
      for (OomEvent e : f.events()) {
        h.append("<tr><td>").append(esc(e.source() + ":" + e.line())).append("</td><td>").append(e.framework().id())
            .append("</td><td>").append(e.gpuIndex().isPresent() ? e.gpuIndex().getAsInt() : "")
            .append("</td><td>").append(bytes(e.triedToAllocate())).append("</td><td>").append(bytes(e.totalCapacity()))
            .append("</td><td>").append(bytes(e.free())).append("</td><td>").append(bytes(e.allocatedByFramework()))
            .append("</td><td>").append(bytes(e.reservedUnallocated())).append("</td><td>")
            .append(e.processCount().isPresent() ? e.processCount().getAsInt() : "").append("</td><td class=\"v\">")
            .append(e.verdict().id()).append("</td></tr>\n");
      }
      h.append("</table>\n");
      for (OomEvent e : f.events()) {
        h.append("<h3>").append(esc(e.source() + ":" + e.line())).append(" — ").append(e.verdict().id()).append("</h3>\n");
        h.append("<p><code>").append(esc(e.excerpt())).append("</code></p>\n<p>").append(esc(e.reason()))
            .append("</p>\n");
        for (String a : e.anomalies()) {
          h.append("<p>Note: ").append(esc(a)).append("</p>\n");
        }
        h.append("<p class=\"step\">Next step: ").append(esc(e.nextStep())).append("</p>\n");
        Optional<byte[]> png = PostmortemCharts.oomBreakdown(e);
        if (png.isPresent()) {
          String name = "chart-" + (++chart) + "-oom-breakdown.png";
          written.add(writePng(dir, name, png.get()));
          h.append("<img src=\"").append(name).append("\" alt=\"memory breakdown at the OOM\">\n");
        }
      }
    }

    for (SnapshotReport s : f.snapshots()) {
      h.append("<h2>Allocator snapshot ").append(esc(s.source())).append("</h2>\n<table>");
      row(h, "segments / blocks", s.segments() + " / " + s.blocks());
      row(h, "reserved", ByteCount.human(s.reservedBytes()));
      row(h, "allocated", ByteCount.human(s.allocatedBytes()));
      row(h, "active", ByteCount.human(s.activeBytes()));
      row(h, "inactive split (non-releasable)", ByteCount.human(s.inactiveSplitBytes())
          + String.format(Locale.ROOT, " (%.1f%% of reserved)", 100 * s.fragmentationRatio()));
      row(h, "releasable by empty_cache()", ByteCount.human(s.releasableBytes()));
      row(h, "largest free block", s.largestFreeBlockBytes().isPresent()
          ? ByteCount.human(s.largestFreeBlockBytes().getAsLong()) : "none");
      s.oom().ifPresent(o -> row(h, "failed request", ByteCount.human(o.requestedBytes())
          + (o.freeBlockCouldHold() ? " (a free block could have held it)" : " (no free block could hold it)")));
      row(h, "verdict", s.verdict().id() + " — " + s.reason());
      h.append("</table>\n<p class=\"step\">Next step: ").append(esc(s.nextStep())).append("</p>\n");
      String name = "chart-" + (++chart) + "-fragmentation.png";
      written.add(writePng(dir, name, PostmortemCharts.fragmentation(s)));
      h.append("<img src=\"").append(name).append("\" alt=\"fragmentation\">\n");
      if (!s.largestLive().isEmpty()) {
        h.append("<h3>Largest live allocations</h3>\n<table><tr><th>size</th><th>allocated at</th></tr>\n");
        for (var a : s.largestLive()) {
          h.append("<tr><td>").append(ByteCount.human(a.sizeBytes())).append("</td><td>");
          a.frames().forEach(fr -> h.append(esc(fr.toString())).append("<br>"));
          h.append("</td></tr>\n");
        }
        h.append("</table>\n");
      }
    }

    for (RecordingReport r : f.recordings()) {
      h.append("<h2>Recording ").append(esc(r.source())).append("</h2>\n<p>").append(r.observations())
          .append(" observations").append(r.first().map(t -> ", " + t + " → " + r.last().orElseThrow()).orElse(""))
          .append(".</p>\n");
      OptionalLong predicted = r.prediction().map(c -> c.predictedDevicePeakBytes()).orElse(OptionalLong.empty());
      if (r.prediction().isEmpty()) {
        h.append("<p>No run spec was declared, so there is no prediction to compare with.</p>\n");
      } else if (predicted.isEmpty()) {
        h.append("<p>No prediction: ").append(esc(r.prediction().get().problem().orElse(""))).append("</p>\n");
      } else {
        var c = r.prediction().get();
        h.append("<p>Predicted device peak per GPU: ").append(ByteCount.human(predicted.getAsLong()))
            .append("; observed peak ").append(ByteCount.human(c.observedPeakBytes()))
            .append(String.format(Locale.ROOT, " (%.0f%% of predicted).</p>%n", 100 * c.observedOverPredicted().orElse(0.0)));
        if (!c.ladder().isEmpty()) {
          h.append("<h3>What would have fit</h3>\n<table><tr><th>rung (cumulative)</th><th>cost</th>"
              + "<th>predicted device peak</th><th>fits</th></tr>\n");
          for (var rung : c.ladder()) {
            h.append("<tr><td>").append(esc(rung.name())).append("</td><td>").append(esc(rung.cost()))
                .append("</td><td>").append(ByteCount.human(rung.predictedDevicePeakBytes())).append("</td><td>")
                .append(rung.fits() ? "yes" : "no").append("</td></tr>\n");
          }
          h.append("</table>\n");
        }
      }
      for (GpuTimeline g : r.gpus()) {
        h.append("<h3>GPU ").append(g.index()).append(' ').append(esc(g.name())).append("</h3>\n<table>");
        row(h, "peak", ByteCount.human(g.peakUsedBytes()) + " at " + g.peakAt()
            + String.format(Locale.ROOT, " (%.1f%% of usable)", 100 * g.peakRatio()));
        g.peakHolder().ifPresent(p -> row(h, "held by", "pid " + p.pid() + p.name().map(n -> " (" + n + ")").orElse("")
            + ", " + ByteCount.human(p.usedBytes())));
        row(h, "baseline trend", g.trendBytesPerSecond().isPresent()
            ? ByteCount.human(Math.round(g.trendBytesPerSecond().getAsDouble() * 60)) + " per minute"
            : "too little data");
        h.append("</table>\n");
        if (!g.series().isEmpty()) {
          String name = "chart-" + (++chart) + "-memory-gpu" + g.index() + ".png";
          written.add(writePng(dir, name, PostmortemCharts.memoryOverTime(g, predicted, DANGER_RATIO)));
          h.append("<img src=\"").append(name).append("\" alt=\"memory over time\">\n");
        }
      }
      for (String p : r.problems()) {
        h.append("<p>Skipped: ").append(esc(p)).append("</p>\n");
      }
    }

    if (!f.problems().isEmpty()) {
      h.append("<h2>Inputs that could not be analysed</h2>\n<ul>\n");
      f.problems().forEach(p -> h.append("<li>").append(esc(p)).append("</li>\n"));
      h.append("</ul>\n");
    }
    h.append("</body></html>\n");
    Files.writeString(index, h, StandardCharsets.UTF_8);
    return written;
  }

  private static Path writePng(Path dir, String name, byte[] png) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, png);
    return p;
  }

  private static void row(StringBuilder h, String label, String value) {
    h.append("<tr><th>").append(esc(label)).append("</th><td>").append(esc(value)).append("</td></tr>");
  }

  private static String bytes(Optional<ByteCount> b) {
    return b.map(ByteCount::human).orElse("");
  }

  static String esc(String s) {
    return Html.escape(s);
  }
}
