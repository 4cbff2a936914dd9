package dev.headroom.cli.demo;

import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertEvent;
import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.nvml.sim.SimulationClock;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Alerts and crashes as the one line the live view prints when they happen. */
final class AlertText {
  private static final double MIB = 1024.0 * 1024;

  private AlertText() {}

  /**
   * {@code [0:16:40] RAISED danger (critical) mistral-7b-full-ft on node-h100 GPU-h100b2c3: … Next: …}
   *
   * @param simulation turns the alert's instant into simulated time since the scenario's start
   */
  static String line(AlertEvent event, SimulationClock simulation) {
    Alert a = event.alert();
    if (event instanceof AlertEvent.Resolved) {
      return String.format(Locale.ROOT, "[%s] resolved %s for %s on %s", at(a.resolvedAt().orElse(a.raisedAt()),
          simulation), a.kind().slug(), a.runId(), where(a));
    }
    StringBuilder sb = new StringBuilder(256);
    sb.append(String.format(Locale.ROOT, "[%s] ALERT %s (%s) %s on %s", at(a.raisedAt(), simulation), a.kind().slug(),
        a.severity().label(), a.runId(), where(a)));
    if (a.kind() == AlertKind.LEAK) {
      Double slope = a.values().get("slopeBytesPerMinute");
      Double ttl = a.values().get("timeToOomSeconds");
      if (slope != null) {
        sb.append(String.format(Locale.ROOT, " [%.0f MiB/min", slope / MIB));
        sb.append(ttl == null ? "]" : ", time to OOM " + FleetTable.span(Duration.ofSeconds(Math.round(ttl))) + "]");
      }
    }
    sb.append(": ").append(sentence(a.explanation()));
    if (!a.suggestedAction().isBlank()) {
      sb.append(" Next: ").append(sentence(a.suggestedAction()));
    }
    return printable(sb.toString());
  }

  /**
   * Detector texts are written as clauses without a final stop (the dashboard shows them in cells);
   * on one line "... it will not fit Next: ..." ran the two together.
   */
  static String sentence(String clause) {
    String text = clause.strip();
    if (text.isEmpty() || ".!?".indexOf(text.charAt(text.length() - 1)) >= 0) {
      return text;
    }
    return text + ".";
  }

  static String crash(OomWatch.Crash c, SimulationClock simulation) {
    return String.format(Locale.ROOT,
        "[%s] CRASH %s on %s %s: the training process died of CUDA out of memory (allocator held %.1f GiB)",
        at(c.at(), simulation), c.runId(), c.hostname(), shortUuid(c.gpuUuid()), c.reservedBytes() / MIB / 1024);
  }

  private static String where(Alert a) {
    return a.hostname() + a.gpuUuid().map(u -> " " + shortUuid(u)).orElse("");
  }

  /** "GPU-h100b2c3-0000-…" → "GPU-h100b2c3": enough to tell GPUs apart on a line. */
  static String shortUuid(String uuid) {
    int dash = uuid.indexOf('-', "GPU-".length());
    return uuid.startsWith("GPU-") && dash > 0 ? uuid.substring(0, dash) : uuid;
  }

  private static String at(Instant instant, SimulationClock simulation) {
    return FleetTable.clock(Duration.ofNanos(Math.round(simulation.secondsAt(instant) * 1e9)));
  }

  /**
   * Detector texts use a few typographic signs; on a terminal whose charset cannot show them
   * (the POSIX locale), they are spelt in ASCII instead of turning into question marks.
   */
  static String printable(String text) {
    if (Charset.defaultCharset().equals(StandardCharsets.UTF_8)) {
      return text;
    }
    return text.replace("≥", ">=").replace("≤", "<=").replace("×", "x").replace("·", "-").replace("—", "-")
        .replace("–", "-").replace("…", "...").replace("→", "->").replace("≈", "~").replace(" ", " ");
  }
}
