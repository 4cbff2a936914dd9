package dev.headroom.analyzer.detect;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Danger: the interval's <em>peak</em> used / usable at or above {@code dangerRatio} for {@code
 * dangerReports} reports in a row; it clears only below {@code dangerClearRatio}, so a GPU hovering
 * at the threshold does not flap. One GPU; not thread-safe.
 */
public final class DangerDetector {
  private final DetectorConfig config;
  private int reportsAtOrAbove;
  private boolean firing;
  private DeviceReport last;

  public DangerDetector(DetectorConfig config) {
    this.config = config;
  }

  public void observe(DeviceReport report) {
    if (report.state() != DeviceState.OK || report.sampleCount() == 0 || report.usableBytes() <= 0) {
      return; // no evidence either way; gpu-lost speaks for LOST
    }
    double ratio = report.peakRatio();
    reportsAtOrAbove = ratio >= config.dangerRatio() ? reportsAtOrAbove + 1 : 0;
    if (!firing && reportsAtOrAbove >= config.dangerReports()) {
      firing = true;
    } else if (firing && ratio < config.dangerClearRatio()) {
      firing = false;
    }
    last = report;
  }

  public Optional<Condition> condition() {
    if (!firing) {
      return Optional.empty();
    }
    double ratio = last.peakRatio();
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("ratio", ratio);
    values.put("usedBytes", (double) last.usedBytes().max());
    values.put("usableBytes", (double) last.usableBytes());
    values.put("thresholdRatio", config.dangerRatio());
    values.put("clearRatio", config.dangerClearRatio());
    String explanation =
        "GPU "
            + last.index()
            + " peaked at "
            + Quantities.percent(ratio)
            + " of usable memory ("
            + Quantities.bytes(last.usedBytes().max())
            + " of "
            + Quantities.bytes(last.usableBytes())
            + "), at or above the "
            + Quantities.percent(config.dangerRatio())
            + " danger line; the next spike may be an out-of-memory error";
    String action =
        "Lower the micro-batch size or sequence length, or enable activation checkpointing; "
            + "`headroom predict` lists the mitigations that fit";
    return Optional.of(new Condition(AlertKind.DANGER, Severity.CRITICAL, values, explanation, action));
  }
}
