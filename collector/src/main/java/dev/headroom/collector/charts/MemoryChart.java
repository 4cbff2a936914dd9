package dev.headroom.collector.charts;

import dev.headroom.collector.runs.TimedBytes;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * One GPU's memory over time, drawn by JFreeChart: used, usable, allocated and reserved as lines
 * (in GiB), the predicted peak, the danger line and capacity as horizontal markers.
 *
 * <p>Stateless and thread-safe; rendering needs no display ({@code java.awt.headless} is set).
 */
public final class MemoryChart {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private static final BasicStroke LINE = new BasicStroke(2.0f);
  private static final BasicStroke DASHED =
      new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

  private MemoryChart() {}

  /** The chart as a JFreeChart object, for callers that lay it out themselves. */
  public static JFreeChart chart(MemoryChartData data) {
    XYSeriesCollection dataset = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    addSeries(dataset, renderer, "used", data.usedBytes(), ChartStyle.USED);
    addSeries(dataset, renderer, "usable", data.usableBytes(), ChartStyle.USABLE);
    addSeries(dataset, renderer, "allocated", data.allocatedBytes(), ChartStyle.ALLOCATED);
    addSeries(dataset, renderer, "reserved", data.reservedBytes(), ChartStyle.RESERVED);

    DateAxis time = new DateAxis("time (UTC)");
    time.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
    NumberAxis memory = new NumberAxis("GiB");
    memory.setRange(0, Math.max(1.0, data.highestBytes() / ChartStyle.BYTES_PER_GIB * 1.05));
    XYPlot plot = new XYPlot(dataset, time, memory, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);

    data.predictedPeakBytes()
        .ifPresent(p -> plot.addRangeMarker(marker(p, "predicted peak", ChartStyle.PREDICTED, DASHED)));
    if (data.usableLimitBytes() > 0) {
      String label = Math.round(data.dangerRatio() * 100) + " % of usable";
      plot.addRangeMarker(marker(data.dangerBytes(), label, ChartStyle.DANGER, DASHED));
    }
    if (data.capacityBytes() > 0) {
      plot.addRangeMarker(marker(data.capacityBytes(), "capacity", ChartStyle.CAPACITY, LINE));
    }

    JFreeChart chart = new JFreeChart(data.title(), new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    LegendTitle legend = new LegendTitle(plot);
    legend.setPosition(RectangleEdge.BOTTOM);
    chart.addSubtitle(legend);
    return chart;
  }

  private static void addSeries(
      XYSeriesCollection dataset, XYLineAndShapeRenderer renderer, String name, List<TimedBytes> points, Color color) {
    if (points.isEmpty()) {
      return;
    }
    // autoSort off, duplicates allowed: points arrive in time order and two reports may share a ms.
    XYSeries series = new XYSeries(name, false, true);
    for (TimedBytes p : points) {
      series.add(p.at().toEpochMilli(), p.bytes() / ChartStyle.BYTES_PER_GIB, false);
    }
    int index = dataset.getSeriesCount();
    dataset.addSeries(series);
    renderer.setSeriesPaint(index, color);
    renderer.setSeriesStroke(index, LINE);
  }

  private static ValueMarker marker(long bytes, String label, Color color, BasicStroke stroke) {
    ValueMarker marker = new ValueMarker(bytes / ChartStyle.BYTES_PER_GIB, color, stroke);
    marker.setLabel(label);
    marker.setLabelPaint(color);
    marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    marker.setLabelBackgroundColor(new Color(255, 255, 255, 0));
    marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
    marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
    return marker;
  }

  public static BufferedImage image(MemoryChartData data, int widthPixels, int heightPixels) {
    checkSize(widthPixels, heightPixels);
    return chart(data).createBufferedImage(widthPixels, heightPixels);
  }

  /** The chart as PNG bytes. */
  public static byte[] png(MemoryChartData data, int widthPixels, int heightPixels) {
    BufferedImage image = image(data, widthPixels, heightPixels);
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      ChartUtils.writeBufferedImageAsPNG(out, image);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode chart as PNG", e);
    }
    return out.toByteArray();
  }

  static void checkSize(int widthPixels, int heightPixels) {
    if (widthPixels < 100 || heightPixels < 80 || widthPixels > 4000 || heightPixels > 4000) {
      throw new IllegalArgumentException(
          "chart size must be 100..4000 x 80..4000 pixels, was " + widthPixels + "x" + heightPixels);
    }
  }
}
