package dev.headroom.collector.charts;

import java.awt.Color;

/** The one palette both renderers use, so the PNG and the SVG of a chart look alike. */
final class ChartStyle {
  static final Color USED = new Color(0x1f77b4);
  static final Color USABLE = new Color(0x2ca02c);
  static final Color ALLOCATED = new Color(0x9467bd);
  static final Color RESERVED = new Color(0xff7f0e);
  static final Color PREDICTED = new Color(0x17becf);
  static final Color DANGER = new Color(0xd62728);
  static final Color CAPACITY = new Color(0x333333);
  static final double BYTES_PER_GIB = 1024.0 * 1024 * 1024;

  private ChartStyle() {}

  static String hex(Color c) {
    return String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
  }
}
