package dev.headroom.cli.demo;

import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.collector.runs.GpuLevel;
import dev.headroom.collector.runs.GpuView;
import dev.headroom.collector.runs.PredictedPeaks;
import dev.headroom.collector.runs.RunKeySource;
import dev.headroom.collector.runs.RunStatus;
import dev.headroom.collector.runs.RunView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The live view's table: one line per GPU of every run, with used / usable memory, a bar, the peak,
 * the predicted peak and the state (level, crash, and the alerts active on that GPU). Pure
 * formatting of what the collector knows, so it is tested without a terminal. ASCII only: a
 * terminal in the POSIX locale would print anything else as question marks.
 */
final class FleetTable {
  private static final double GIB = 1024.0 * 1024 * 1024;
  private static final int BAR_CELLS = 10;
  private static final int RUN_WIDTH = 24;

  /** What one frame of the view shows. */
  record Snapshot(
      String scenarioName,
      Duration simulatedElapsed,
      Duration simulatedTotal,
      double speed,
      String dashboardUrl,
      List<RunView> runs,
      List<Alert> activeAlerts,
      List<OomWatch.Crash> crashes) {}

  /** One GPU line, before formatting; the report uses the same rows. */
  record Row(RunView run, GpuView gpu, String state, GpuLevel level, boolean crashed) {}

  private FleetTable() {}

  /**
   * Every GPU of every run worth showing: declared runs always, undeclared process runs (an
   * evaluation worker that comes and goes) only while they are active, so churn does not pile up.
   */
  static List<Row> rows(Snapshot s) {
    List<Row> rows = new ArrayList<>();
    for (RunView run : s.runs()) {
      if (run.source() == RunKeySource.PROCESS && run.status() != RunStatus.ACTIVE) {
        continue;
      }
      for (GpuView gpu : run.gpus()) {
        Optional<OomWatch.Crash> crash = s.crashes().stream()
            .filter(c -> c.runId().equals(run.runId()) && c.gpuUuid().equals(gpu.uuid())).findFirst();
        rows.add(new Row(run, gpu, state(run, gpu, crash, s.activeAlerts()), gpu.level(), crash.isPresent()));
      }
    }
    rows.sort(Comparator.comparing((Row r) -> r.gpu().hostname()).thenComparingInt(r -> r.gpu().index())
        .thenComparing(r -> r.run().runId()));
    return rows;
  }

  /** The whole frame: a title line, the header, the GPU lines and the dashboard line. */
  static List<String> lines(Snapshot s, boolean color) {
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "headroom demo | %s | simulated %s of %s (%sx speed)", s.scenarioName(),
        clock(s.simulatedElapsed()), clock(s.simulatedTotal()), number(s.speed())));
    out.add(String.format(Locale.ROOT, "%-10s %-18s %-" + RUN_WIDTH + "s %-30s %7s %9s  %s", "HOST", "GPU", "RUN",
        "USED / USABLE GiB", "PEAK", "PREDICTED", "STATE"));
    List<Row> rows = rows(s);
    for (Row r : rows) {
      out.add(line(r, color));
    }
    if (rows.isEmpty()) {
      out.add("(waiting for the agents' first reports)");
    }
    out.add("dashboard: " + s.dashboardUrl());
    return out;
  }

  private static String line(Row r, boolean color) {
    GpuView g = r.gpu();
    String predicted = r.run().prediction().map(PredictedPeaks::deviceBytes).map(b -> gib(b)).orElse("-");
    String state = color ? paint(r.state(), r.crashed() ? GpuLevel.DANGER : r.level()) : r.state();
    String used = String.format(Locale.ROOT, "%5s / %5s %4.0f%% %s", gib(g.lastUsedBytes()), gib(g.usableBytes()),
        g.lastRatio() * 100, bar(g.lastRatio()));
    return String.format(Locale.ROOT, "%-10s %-18s %-" + RUN_WIDTH + "s %-30s %7s %9s  %s",
        cut(g.hostname(), 10), cut(g.index() + " " + shortName(g.name()), 18), cut(r.run().runId(), RUN_WIDTH),
        used, gib(g.peakUsedBytes()), predicted, state);
  }

  /** Level, then what else is wrong on the GPU: crash, alerts with their key number. */
  static String state(RunView run, GpuView gpu, Optional<OomWatch.Crash> crash, List<Alert> active) {
    List<String> parts = new ArrayList<>();
    if (crash.isPresent()) {
      parts.add("OOM crash");
    } else if (run.status() == RunStatus.ENDED) {
      parts.add("ended");
    } else if (run.status() == RunStatus.SILENT) {
      parts.add("silent");
    } else {
      parts.add(gpu.level() == GpuLevel.DANGER ? "DANGER" : gpu.level().name().toLowerCase(Locale.ROOT));
    }
    for (Alert a : active) {
      if (!a.runId().equals(run.runId()) || !a.gpuUuid().equals(Optional.of(gpu.uuid()))
          || a.kind() == AlertKind.DANGER) {
        continue;
      }
      parts.add(a.kind() == AlertKind.LEAK ? leakText(a) : a.kind().slug());
    }
    return String.join(", ", parts);
  }

  private static String leakText(Alert a) {
    Double slope = a.values().get("slopeBytesPerMinute");
    Double ttl = a.values().get("timeToOomSeconds");
    StringBuilder sb = new StringBuilder("leak");
    if (slope != null) {
      sb.append(' ').append(Math.round(slope / (1024 * 1024))).append(" MiB/min");
    }
    if (ttl != null) {
      sb.append(", OOM in ").append(span(Duration.ofSeconds(Math.round(ttl))));
    }
    return sb.toString();
  }

  /** "NVIDIA GeForce RTX 4090" → "RTX 4090": the vendor is the same on every line. */
  static String shortName(String name) {
    return name.replace("NVIDIA ", "").replace("GeForce ", "");
  }

  static String bar(double ratio) {
    int filled = (int) Math.round(Math.max(0, Math.min(1, ratio)) * BAR_CELLS);
    return "[" + "#".repeat(filled) + ".".repeat(BAR_CELLS - filled) + "]";
  }

  private static String paint(String text, GpuLevel level) {
    String code = switch (level) {
      case OK -> "32";
      case WARNING -> "33";
      case DANGER, UNREADABLE -> "1;31";
    };
    return "\u001b[" + code + "m" + text + "\u001b[0m";
  }

  static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / GIB);
  }

  /** A simulated instant as h:mm:ss from the scenario's start. */
  static String clock(Duration d) {
    long s = Math.max(0, d.toSeconds());
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }

  /** A span for people: "2h 10m", "14m", "45 s". */
  static String span(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s >= 3600) {
      return (s / 3600) + "h " + (s / 60 % 60) + "m";
    }
    return s >= 60 ? (s / 60) + "m" : s + " s";
  }

  private static String number(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String cut(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "~";
  }
}
