package dev.headroom.analyzer.detect;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.DeviceReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Predicted-oom: the run's prediction puts this GPU at or above {@code predictedOomRatio} of usable
 * memory. Raised as soon as both numbers are known, typically at run start before memory gets
 * there. Holds as long as the prediction does. One GPU; not thread-safe.
 */
public final class PredictedOomDetector {
  private final DetectorConfig config;
  private RunPrediction prediction;
  private long reportedUsableBytes;

  public PredictedOomDetector(DetectorConfig config) {
    this.config = config;
  }

  public void predict(RunPrediction newPrediction) {
    this.prediction = newPrediction;
  }

  public void observe(DeviceReport report) {
    if (report.usableBytes() > 0) {
      reportedUsableBytes = report.usableBytes();
    }
  }

  public Optional<Condition> condition() {
    if (prediction == null) {
      return Optional.empty();
    }
    long usable = prediction.usableBytes().orElse(reportedUsableBytes);
    if (usable <= 0) {
      return Optional.empty();
    }
    double ratio = (double) prediction.predictedPeakBytes() / usable;
    if (ratio < config.predictedOomRatio()) {
      return Optional.empty();
    }
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("predictedPeakBytes", (double) prediction.predictedPeakBytes());
    values.put("usableBytes", (double) usable);
    values.put("ratio", ratio);
    values.put("thresholdRatio", config.predictedOomRatio());
    String explanation =
        "The run is predicted to peak at "
            + Quantities.bytes(prediction.predictedPeakBytes())
            + ", "
            + Quantities.percent(ratio)
            + " of the GPU's usable "
            + Quantities.bytes(usable)
            + (ratio >= 1.0 ? ": it will not fit" : ": too close to the limit to be safe");
    String action =
        prediction
            .firstMitigation()
            .map(rung -> "First mitigation that fits: " + rung)
            .orElse("No single mitigation rung fits: use more GPUs (sharding) or a smaller model");
    Severity severity = ratio >= 1.0 ? Severity.CRITICAL : Severity.WARNING;
    return Optional.of(new Condition(AlertKind.PREDICTED_OOM, severity, values, explanation, action));
  }
}
