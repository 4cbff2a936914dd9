package dev.headroom.analyzer.detect;

import java.time.Duration;
import java.util.Locale;

/** Human-readable bytes, percentages and durations for alert explanations (the edge of printing). */
final class Quantities {
  private Quantities() {}

  static String bytes(double bytes) {
    double abs = Math.abs(bytes);
    if (abs >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", bytes / (1L << 30));
    }
    if (abs >= 1L << 20) {
      return String.format(Locale.ROOT, "%.0f MiB", bytes / (1L << 20));
    }
    return String.format(Locale.ROOT, "%.0f KiB", bytes / 1024);
  }

  static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.1f %%", ratio * 100);
  }

  static String duration(Duration d) {
    long minutes = d.toMinutes();
    if (minutes >= 120) {
      return String.format(Locale.ROOT, "%.1f h", minutes / 60.0);
    }
    if (minutes >= 1) {
      return minutes + " min";
    }
    if (d.toSeconds() < 10 && d.toMillisPart() != 0) {
      // A sub-second report interval read "0 s".
      return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
    return d.toSeconds() + " s";
  }
}
