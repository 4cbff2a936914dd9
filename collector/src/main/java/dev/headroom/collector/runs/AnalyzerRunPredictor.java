package dev.headroom.collector.runs;

import dev.headroom.analyzer.predict.FitLadder;
import dev.headroom.analyzer.predict.MemoryPredictor;
import dev.headroom.analyzer.predict.Metric;
import dev.headroom.analyzer.predict.Prediction;
import dev.headroom.analyzer.predict.RunSpec;
import dev.headroom.analyzer.predict.SpecException;
import dev.headroom.analyzer.predict.Verdict;
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
    RunSpec spec;
    try {
      spec = RunSpec.parse(specJson, "run spec");
      prediction = predictor.predict(spec);
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
        firstMitigation(spec, prediction));
  }

  /**
   * The ladder is only climbed for a run that does not fit: it predicts every rung, once per run
   * spec, and a fitting run needs no advice.
   */
  private Optional<String> firstMitigation(RunSpec spec, Prediction prediction) {
    if (prediction.verdict(Metric.DEVICE) == Verdict.FITS) {
      return Optional.empty();
    }
    return new FitLadder(predictor, Metric.DEVICE).firstFit(spec).map(rung -> String.format(Locale.ROOT,
        "%s, predicted %.1f GiB (%.1f %% of usable); cost: %s", rung.name(),
        rung.prediction().peakBytes(Metric.DEVICE) / GIB, rung.prediction().ratio(Metric.DEVICE) * 100,
        rung.cost()));
  }

  private static final double GIB = 1024.0 * 1024 * 1024;
}
