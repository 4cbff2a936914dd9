package dev.headroom.collector.report;

import dev.headroom.analyzer.postmortem.ByteCount;
import dev.headroom.analyzer.postmortem.log.OomEvent;
import dev.headroom.analyzer.postmortem.recording.GpuTimeline;
import dev.headroom.analyzer.postmortem.snapshot.SnapshotReport;
import dev.headroom.collector.charts.MemoryChart;
import dev.headroom.collector.charts.MemoryChartData;
import dev.headroom.collector.runs.TimedBytes;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The post-mortem's PNG charts: memory over time (the collector's own memory chart, with the 90 %
 * line and capacity), the device breakdown at an OOM, and a snapshot's fragmentation.
 */
public final class PostmortemCharts {

  static final int WIDTH = 900;
  static final int HEIGHT = 320;
  private static final double GIB = 1024.0 * 1024 * 1024;
  private static final double MIB = 1024.0 * 1024;
  private static final Color ALLOCATED = new Color(0x9467bd);
  private static final Color CACHED = new Color(0xff7f0e);
  private static final Color OTHER = new Color(0x8c564b);
  private static final Color FREE = new Color(0x2ca02c);
  private static final Color REQUEST = new Color(0xd62728);
  private static final Color RELEASABLE = new Color(0xbcbd22);

  private PostmortemCharts() {}

  /** Used memory over the recording with usable memory, the danger line and capacity. */
  public static byte[] memoryOverTime(GpuTimeline g, OptionalLong predictedPeakBytes, double dangerRatio) {
    List<TimedBytes> used = g.series().stream().map(p -> new TimedBytes(p.at(), p.usedBytes())).toList();
    List<TimedBytes> usable = g.series().stream().map(p -> new TimedBytes(p.at(), g.usableBytes())).toList();
    MemoryChartData data = new MemoryChartData(
        "GPU " + g.index() + " " + g.name() + " (" + g.hostname() + ")", used, usable, List.of(), List.of(),
        predictedPeakBytes, g.usableBytes(), g.totalBytes(), dangerRatio);
    return MemoryChart.png(data, WIDTH, HEIGHT);
  }

  /**
   * Where the device's memory was at an OOM: allocated by the framework, cached by it, held by
   * others (total − free − framework), free; and the failed request beside it. Empty when the
   * report gives too few numbers to draw it.
   */
  public static Optional<byte[]> oomBreakdown(OomEvent e) {
    if (e.totalCapacity().isEmpty() || e.free().isEmpty()) {
      return Optional.empty();
    }
    double unit = e.totalCapacity().get().bytes().doubleValue() >= GIB ? GIB : MIB;
    String unitName = unit == GIB ? "GiB" : "MiB";
    double total = in(e.totalCapacity().get(), unit);
    double free = in(e.free().get(), unit);
    double allocated = e.allocatedByFramework().map(b -> in(b, unit)).orElse(0.0);
    double cached = e.reservedUnallocated().map(b -> in(b, unit)).orElse(0.0);
    double other = Math.max(0, total - free - allocated - cached);
    DefaultCategoryDataset d = new DefaultCategoryDataset();
    String device = "device";
    String request = "request";
    d.addValue(allocated, "allocated by " + e.framework().id(), device);
    d.addValue(cached, "reserved, unallocated", device);
    d.addValue(other, "other processes, context, libraries", device);
    d.addValue(free, "free", device);
    d.addValue(e.triedToAllocate().map(b -> in(b, unit)).orElse(0.0), "tried to allocate", request);
    JFreeChart chart = ChartFactory.createStackedBarChart(
        "At the OOM (" + shortName(e.source()) + ":" + e.line() + ") — verdict " + e.verdict().id(), null,
        unitName, d, PlotOrientation.HORIZONTAL, true, false, false);
    style(chart, ALLOCATED, CACHED, OTHER, FREE, REQUEST);
    return Optional.of(png(chart));
  }

  /** A snapshot's reserved memory split into what is live, stranded, releasable and otherwise cached. */
  public static byte[] fragmentation(SnapshotReport r) {
    double unit = r.reservedBytes() >= GIB ? GIB : MIB;
    String unitName = unit == GIB ? "GiB" : "MiB";
    double allocated = r.allocatedBytes() / unit;
    double split = r.inactiveSplitBytes() / unit;
    double releasable = r.releasableBytes() / unit;
    double otherCached = Math.max(0, (r.cachedBytes() - r.inactiveSplitBytes() - r.releasableBytes()) / unit);
    DefaultCategoryDataset d = new DefaultCategoryDataset();
    String reserved = "reserved";
    d.addValue(allocated, "allocated", reserved);
    d.addValue(split, "inactive split (stranded)", reserved);
    d.addValue(releasable, "releasable by empty_cache()", reserved);
    d.addValue(otherCached, "other cached", reserved);
    String hole = "largest free block";
    d.addValue(r.largestFreeBlockBytes().orElse(0) / unit, "largest free block", hole);
    r.oom().ifPresent(o -> d.addValue(o.requestedBytes() / unit, "failed request", "failed request"));
    JFreeChart chart = ChartFactory.createStackedBarChart(
        "Fragmentation — " + shortName(r.source()) + " (" + ByteCount.human(r.reservedBytes()) + " reserved)",
        null, unitName, d, PlotOrientation.HORIZONTAL, true, false, false);
    style(chart, ALLOCATED, CACHED, RELEASABLE, OTHER, FREE, REQUEST);
    return png(chart);
  }

  private static void style(JFreeChart chart, Color... colors) {
    chart.setBackgroundPaint(Color.WHITE);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    for (int i = 0; i < colors.length; i++) {
      renderer.setSeriesPaint(i, colors[i]);
    }
  }

  private static double in(ByteCount b, double unit) {
    return b.bytes().divide(BigDecimal.valueOf(unit), MathContext.DECIMAL64).doubleValue();
  }

  /** The file name without its folders: titles stay on one line. */
  private static String shortName(String source) {
    int slash = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
    return slash < 0 ? source : source.substring(slash + 1);
  }

  private static byte[] png(JFreeChart chart) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
    try {
      ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode chart as PNG", e);
    }
    return out.toByteArray();
  }
}
