package dev.headroom.collector.runs;

import dev.headroom.analyzer.predict.MemoryPredictor;
import dev.headroom.analyzer.predict.Metric;
import dev.headroom.analyzer.predict.Prediction;
import dev.headroom.analyzer.predict.RunSpec;
import dev.headroom.analyzer.predict.SpecException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/** The registry's predictor backed by the analyzer's memory model ({@code headroom predict}). */
public final class AnalyzerRunPredictor implements RunPredictor {
  private final MemoryPredictor predictor;

  public AnalyzerRunPredictor(MemoryPredictor predictor) {
    this.predictor = predictor;
  }

  public static AnalyzerRunPredictor standard() {
    return new AnalyzerRunPredictor(MemoryPredictor.standard());
  }

  @Override
  public PredictedPeaks predict(String specJson) {
    Prediction prediction;
    try {
      prediction = predictor.predict(RunSpec.parse(specJson, "run spec"));
    } catch (SpecException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    long device = prediction.peakBytes(Metric.DEVICE);
    String summary = String.format(Locale.ROOT, "%s: %.1f GiB of %.1f GiB usable (%.0f %%) at %s",
        prediction.verdict(Metric.DEVICE).label(), device / GIB, prediction.usableBytes() / GIB,
        prediction.ratio(Metric.DEVICE) * 100, prediction.peakPhase());
    return new PredictedPeaks(
        device,
        OptionalLong.of(prediction.peakBytes(Metric.ALLOCATED)),
        OptionalLong.of(prediction.peakBytes(Metric.RESERVED)),
        OptionalLong.of(prediction.usableBytes()),
        summary,
        Optional.empty());
  }

  private static final double GIB = 1024.0 * 1024 * 1024;
}
