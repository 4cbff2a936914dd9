package dev.headroom.collector.http;

/**
 * Escaping for text put into HTML or SVG: the one escaper of the dashboard, the charts, the
 * post-mortem report and the demo report.
 */
public final class Html {
  private Html() {}

  /** The text of {@code value} with the five markup-significant characters escaped. */
  public static String escape(Object value) {
    String text = String.valueOf(value);
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String gib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  }

  static String percent(double ratio) {
    return String.format(java.util.Locale.ROOT, "%.1f %%", ratio * 100);
  }
}
