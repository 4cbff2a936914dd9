package dev.headroom.analyzer.predict;

import java.util.EnumMap;
import java.util.Map;

/**
 * The predicted per-GPU peak of one run for each metric, with its breakdown and verdict.
 *
 * @param params every parameter of the model
 * @param trainableParams parameters that get gradients (all for full fine-tuning, adapters for LoRA)
 * @param hostBytes host RAM the run needs on one node for offloaded or evicted state (0 if none)
 * @param peakPhase the moment of the peak: {@code loss}, {@code backward} or {@code optimizer-step}
 * @param activationFormula how the activation term was computed, for humans
 */
public record Prediction(
    RunSpec spec,
    long params,
    long trainableParams,
    Map<Metric, Breakdown> breakdowns,
    long hostBytes,
    String peakPhase,
    String activationFormula) {

  public Prediction {
    breakdowns = new EnumMap<>(breakdowns);
  }

  public Breakdown breakdown(Metric metric) {
    return breakdowns.get(metric);
  }

  public long peakBytes(Metric metric) {
    return breakdowns.get(metric).totalBytes();
  }

  public long capacityBytes() {
    return spec.gpu().capacityBytes();
  }

  public long usableBytes() {
    return spec.gpu().usableBytes();
  }

  /** Peak over usable memory, the design's danger ratio. */
  public double ratio(Metric metric) {
    return (double) peakBytes(metric) / usableBytes();
  }

  public Verdict verdict(Metric metric) {
    return Verdict.of(ratio(metric));
  }
}
