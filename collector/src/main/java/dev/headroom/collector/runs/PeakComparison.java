package dev.headroom.collector.runs;

/**
 * An observed peak on one GPU set against the prediction for the same metric.
 *
 * @param observedPeakBytes the highest value seen so far
 * @param predictedBytes the predicted per-GPU peak for the same metric
 */
public record PeakComparison(MemoryMetric metric, long observedPeakBytes, long predictedBytes) {

  /** observed / predicted: 1.0 means the prediction was exact, above 1 it was too low. */
  public double observedOverPredicted() {
    return predictedBytes <= 0 ? 0.0 : (double) observedPeakBytes / predictedBytes;
  }
}
