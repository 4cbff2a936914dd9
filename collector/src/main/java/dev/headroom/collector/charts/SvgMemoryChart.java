package dev.headroom.collector.charts;

import dev.headroom.collector.http.Html;
import dev.headroom.collector.runs.TimedBytes;
import java.awt.Color;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The same chart as {@link MemoryChart}, written as SVG text by hand: the same series, markers and
 * colours, with a plain axis layout. It exists because JFreeChart draws only to Graphics2D and
 * JFreeSVG is not among the project's served dependencies.
 *
 * <p>Stateless and thread-safe.
 */
public final class SvgMemoryChart {
  private static final int LEFT = 56;
  private static final int RIGHT = 16;
  private static final int TOP = 30;
  private static final int BOTTOM = 58;
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private SvgMemoryChart() {}

  private record Line(String name, List<TimedBytes> points, Color color) {}

  /** The chart as a standalone SVG document. */
  public static String svg(MemoryChartData data, int widthPixels, int heightPixels) {
    MemoryChart.checkSize(widthPixels, heightPixels);
    List<Line> lines = new ArrayList<>();
    addLine(lines, "used", data.usedBytes(), ChartStyle.USED);
    addLine(lines, "usable", data.usableBytes(), ChartStyle.USABLE);
    addLine(lines, "allocated", data.allocatedBytes(), ChartStyle.ALLOCATED);
    addLine(lines, "reserved", data.reservedBytes(), ChartStyle.RESERVED);

    long firstMillis = Long.MAX_VALUE;
    long lastMillis = Long.MIN_VALUE;
    for (Line line : lines) {
      for (TimedBytes p : line.points()) {
        firstMillis = Math.min(firstMillis, p.at().toEpochMilli());
        lastMillis = Math.max(lastMillis, p.at().toEpochMilli());
      }
    }
    if (firstMillis == Long.MAX_VALUE) {
      firstMillis = 0;
      lastMillis = 1;
    } else if (lastMillis == firstMillis) {
      lastMillis = firstMillis + 1;
    }
    double topGib = Math.max(1.0, data.highestBytes() / ChartStyle.BYTES_PER_GIB * 1.05);
    Frame frame = new Frame(widthPixels, heightPixels, firstMillis, lastMillis, topGib);

    StringBuilder svg = new StringBuilder(16 * 1024);
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " font-family=\"sans-serif\" font-size=\"11\">%n",
        widthPixels, heightPixels, widthPixels, heightPixels));
    svg.append(String.format(Locale.ROOT,
        "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", widthPixels, heightPixels));
    svg.append(String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
        widthPixels / 2, escape(data.title())));
    axes(svg, frame);
    for (Line line : lines) {
      svg.append("<polyline class=\"series\" data-series=\"").append(line.name())
          .append("\" fill=\"none\" stroke-width=\"2\" stroke=\"").append(ChartStyle.hex(line.color()))
          .append("\" points=\"");
      for (TimedBytes p : line.points()) {
        svg.append(String.format(Locale.ROOT, "%.1f,%.1f ",
            frame.x(p.at().toEpochMilli()), frame.y(p.bytes() / ChartStyle.BYTES_PER_GIB)));
      }
      svg.append("\"/>\n");
    }
    data.predictedPeakBytes()
        .ifPresent(p -> marker(svg, frame, "predicted", p, "predicted peak", ChartStyle.PREDICTED, true));
    if (data.usableLimitBytes() > 0) {
      String label = Math.round(data.dangerRatio() * 100) + " % of usable";
      marker(svg, frame, "danger", data.dangerBytes(), label, ChartStyle.DANGER, true);
    }
    if (data.capacityBytes() > 0) {
      marker(svg, frame, "capacity", data.capacityBytes(), "capacity", ChartStyle.CAPACITY, false);
    }
    legend(svg, lines, heightPixels);
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static void addLine(List<Line> lines, String name, List<TimedBytes> points, Color color) {
    if (!points.isEmpty()) {
      lines.add(new Line(name, points, color));
    }
  }

  /** Maps time and GiB to pixels inside the plot area. */
  private record Frame(int width, int height, long firstMillis, long lastMillis, double topGib) {
    double x(long epochMillis) {
      return LEFT + (double) (epochMillis - firstMillis) / (lastMillis - firstMillis) * (width - LEFT - RIGHT);
    }

    double y(double gib) {
      return TOP + (1.0 - gib / topGib) * (height - TOP - BOTTOM);
    }
  }

  private static void axes(StringBuilder svg, Frame f) {
    double step = niceStep(f.topGib() / 6);
    for (double gib = 0; gib <= f.topGib() + 1e-9; gib += step) {
      double y = f.y(gib);
      svg.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>"
              + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
          LEFT, y, f.width() - RIGHT, y, LEFT - 4, y + 4, trim(gib)));
    }
    for (int i = 0; i <= 4; i++) {
      long millis = f.firstMillis() + (f.lastMillis() - f.firstMillis()) * i / 4;
      double x = f.x(millis);
      svg.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#dddddd\"/>"
              + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
          x, TOP, x, f.height() - BOTTOM, x, f.height() - BOTTOM + 14,
          CLOCK.format(Instant.ofEpochMilli(millis))));
    }
    svg.append(String.format(Locale.ROOT,
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888888\"/>%n",
        LEFT, TOP, f.width() - LEFT - RIGHT, f.height() - TOP - BOTTOM));
    svg.append(String.format(Locale.ROOT,
        "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">GiB</text>%n",
        f.height() / 2, f.height() / 2));
  }

  private static void marker(
      StringBuilder svg, Frame f, String kind, long bytes, String label, Color color, boolean dashed) {
    double y = f.y(bytes / ChartStyle.BYTES_PER_GIB);
    svg.append(String.format(Locale.ROOT,
        "<line class=\"marker\" data-marker=\"%s\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\""
            + " stroke-width=\"1.5\"%s/><text x=\"%d\" y=\"%.1f\" fill=\"%s\">%s</text>%n",
        kind, LEFT, y, f.width() - RIGHT, y, ChartStyle.hex(color), dashed ? " stroke-dasharray=\"6 4\"" : "",
        LEFT + 4, y - 3, ChartStyle.hex(color), escape(label)));
  }

  private static void legend(StringBuilder svg, List<Line> lines, int height) {
    int x = LEFT;
    int y = height - 16;
    for (Line line : lines) {
      svg.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>"
              + "<text x=\"%d\" y=\"%d\">%s</text>%n",
          x, y, x + 18, y, ChartStyle.hex(line.color()), x + 22, y + 4, line.name()));
      x += 30 + 7 * line.name().length();
    }
  }

  /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
  static double niceStep(double rough) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * magnitude >= rough) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String trim(double gib) {
    return gib == Math.rint(gib) ? Long.toString((long) gib) : String.format(Locale.ROOT, "%.1f", gib);
  }

  static String escape(String text) {
    return Html.escape(text);
  }
}
