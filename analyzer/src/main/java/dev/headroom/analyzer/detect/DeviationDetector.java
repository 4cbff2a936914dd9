package dev.headroom.analyzer.detect;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Deviation: the observed peak device memory is above predicted × {@code deviationOverFactor}, or —
 * once the GPU has been watched for {@code deviationMinObserved}, since the peak arrives with the
 * first optimizer step — below predicted × {@code deviationUnderFactor}. Either way the run spec
 * or the model behind the prediction is probably wrong. One GPU; not thread-safe.
 */
public final class DeviationDetector {
  private final DetectorConfig config;
  private RunPrediction prediction;
  private long observedPeakBytes;
  private Instant firstReportAt;
  private Instant lastReportAt;

  public DeviationDetector(DetectorConfig config) {
    this.config = config;
  }

  public void predict(RunPrediction newPrediction) {
    this.prediction = newPrediction;
  }

  public void observe(DeviceReport report) {
    if (report.state() != DeviceState.OK || report.sampleCount() == 0) {
      return;
    }
    if (firstReportAt == null) {
      firstReportAt = report.intervalStart();
    }
    lastReportAt = report.at();
    observedPeakBytes = Math.max(observedPeakBytes, report.usedBytes().max());
  }

  public Optional<Condition> condition() {
    if (prediction == null || firstReportAt == null) {
      return Optional.empty();
    }
    long predicted = prediction.predictedPeakBytes();
    double factor = (double) observedPeakBytes / predicted;
    boolean over = factor > config.deviationOverFactor();
    boolean watchedLongEnough =
        Duration.between(firstReportAt, lastReportAt).compareTo(config.deviationMinObserved()) >= 0;
    boolean under = watchedLongEnough && factor < config.deviationUnderFactor();
    if (!over && !under) {
      return Optional.empty();
    }
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("observedPeakBytes", (double) observedPeakBytes);
    values.put("predictedPeakBytes", (double) predicted);
    values.put("observedOverPredicted", factor);
    values.put(over ? "overFactor" : "underFactor", over ? config.deviationOverFactor() : config.deviationUnderFactor());
    String explanation =
        "Observed peak "
            + Quantities.bytes(observedPeakBytes)
            + " is "
            + String.format(java.util.Locale.ROOT, "%.2f", factor)
            + "× the predicted "
            + Quantities.bytes(predicted)
            + (over ? ": the run uses more than its spec explains" : ": the run uses far less than predicted");
    String action =
        over
            ? "Check the declared run spec (batch size, sequence length, precision, optimizer) and for "
                + "memory outside the model (other processes, large eval batches)"
            : "Check the declared run spec; if it is right the job can afford a larger batch";
    return Optional.of(new Condition(AlertKind.DEVIATION, Severity.WARNING, values, explanation, action));
  }
}
