package dev.headroom.collector.charts;

import static dev.headroom.collector.testing.Observations.GIB;
import static dev.headroom.collector.testing.Observations.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.collector.runs.TimedBytes;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class MemoryChartTest {

  private static MemoryChartData sawtooth(boolean withAllocator) {
    List<TimedBytes> used = new ArrayList<>();
    List<TimedBytes> usable = new ArrayList<>();
    List<TimedBytes> allocated = new ArrayList<>();
    List<TimedBytes> reserved = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      var at = T0.plusSeconds(5L * i);
      used.add(new TimedBytes(at, 40 * GIB + (i % 10) * GIB));
      usable.add(new TimedBytes(at, 79 * GIB));
      if (withAllocator) {
        allocated.add(new TimedBytes(at, 30 * GIB + (i % 10) * GIB));
        reserved.add(new TimedBytes(at, 38 * GIB));
      }
    }
    return new MemoryChartData(
        "run <a> & GPU 0", used, usable, allocated, reserved, OptionalLong.of(52 * GIB), 79 * GIB, 80 * GIB, 0.90);
  }

  @Test
  void jfreechartPlotCarriesEverySeriesAndThePredictedDangerAndCapacityLines() {
    XYPlot plot = MemoryChart.chart(sawtooth(true)).getXYPlot();
    assertThat(plot.getDataset().getSeriesCount()).isEqualTo(4);
    assertThat((Object) plot.getDataset().getSeriesKey(0)).hasToString("used");
    assertThat(plot.getDataset().getYValue(0, 9)).isEqualTo(49.0);
    assertThat(plot.getRangeMarkers(org.jfree.chart.ui.Layer.FOREGROUND))
        .extracting(m -> ((ValueMarker) m).getValue())
        .usingElementComparator((a, b) -> Math.abs(a - b) < 1e-6 ? 0 : Double.compare(a, b))
        .containsExactly(52.0, 79 * 0.9, 80.0);
    assertThat(plot.getRangeAxis().getUpperBound()).isGreaterThanOrEqualTo(80.0);
  }

  @Test
  void withoutAReporterOnlyDeviceSeriesAreDrawn() {
    XYPlot plot = MemoryChart.chart(sawtooth(false)).getXYPlot();
    assertThat(plot.getDataset().getSeriesCount()).isEqualTo(2);
  }

  @Test
  void pngDecodesToTheRequestedSizeAndShowsTheUsedColour() throws Exception {
    byte[] png = MemoryChart.png(sawtooth(true), 800, 400);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image.getWidth()).isEqualTo(800);
    assertThat(image.getHeight()).isEqualTo(400);
    int usedRgb = ChartStyle.USED.getRGB() & 0xffffff;
    int dangerRgb = ChartStyle.DANGER.getRGB() & 0xffffff;
    int used = 0;
    int danger = 0;
    for (int x = 0; x < 800; x++) {
      for (int y = 0; y < 400; y++) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        used += rgb == usedRgb ? 1 : 0;
        danger += rgb == dangerRgb ? 1 : 0;
      }
    }
    assertThat(used).isGreaterThan(500);
    assertThat(danger).isGreaterThan(100);
    Path out = Path.of(System.getProperty("headroom.testOutput", System.getProperty("java.io.tmpdir")), "charts");
    Files.createDirectories(out);
    Files.write(out.resolve("memory-chart.png"), png);
  }

  @Test
  void svgIsWellFormedWithOnePolylinePerSeriesAndTheThreeMarkers() throws Exception {
    String svg = SvgMemoryChart.svg(sawtooth(true), 800, 400);
    var factory = DocumentBuilderFactory.newInstance();
    Document doc = factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    NodeList polylines = doc.getElementsByTagName("polyline");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < polylines.getLength(); i++) {
      Element e = (Element) polylines.item(i);
      names.add(e.getAttribute("data-series"));
      assertThat(e.getAttribute("points").trim().split(" ")).hasSize(120);
    }
    assertThat(names).containsExactly("used", "usable", "allocated", "reserved");
    assertThat(svg).contains("data-marker=\"predicted\"", "data-marker=\"danger\"", "data-marker=\"capacity\"");
    assertThat(svg).contains("run &lt;a&gt; &amp; GPU 0").contains("90 % of usable");
  }

  @Test
  void svgPutsTheCapacityLineAboveTheDangerLine() {
    String svg = SvgMemoryChart.svg(sawtooth(false), 800, 400);
    assertThat(markerY(svg, "capacity")).isLessThan(markerY(svg, "danger"));
    assertThat(markerY(svg, "danger")).isLessThan(markerY(svg, "predicted"));
  }

  private static double markerY(String svg, String kind) {
    int at = svg.indexOf("data-marker=\"" + kind + "\"");
    int y1 = svg.indexOf("y1=\"", at) + 4;
    return Double.parseDouble(svg.substring(y1, svg.indexOf('"', y1)));
  }

  @Test
  void anEmptyChartStillRendersAndSillySizesAreRefused() {
    var empty = new MemoryChartData(
        "no data yet", List.of(), List.of(), List.of(), List.of(), OptionalLong.empty(), 0, 0, 0.9);
    assertThat(MemoryChart.png(empty, 200, 100)).isNotEmpty();
    assertThat(SvgMemoryChart.svg(empty, 200, 100)).startsWith("<svg").doesNotContain("polyline");
    assertThatThrownBy(() -> MemoryChart.png(empty, 10, 100000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10x100000");
  }

  @Test
  void axisStepsAreRoundNumbers() {
    assertThat(SvgMemoryChart.niceStep(13.4)).isEqualTo(20.0);
    assertThat(SvgMemoryChart.niceStep(0.7)).isEqualTo(1.0);
    assertThat(SvgMemoryChart.niceStep(4.1)).isEqualTo(5.0);
  }
}
