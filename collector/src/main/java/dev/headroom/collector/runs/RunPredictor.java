package dev.headroom.collector.runs;

/**
 * Predicts a run's memory from its declared spec. The registry calls it once per run, when the
 * spec first arrives, on an ingest thread, so an implementation must be fast and pure.
 */
@FunctionalInterface
public interface RunPredictor {

  /** A predictor for collectors started without one: every run is observed without a prediction. */
  RunPredictor NONE =
      specJson -> {
        throw new IllegalArgumentException("no predictor configured");
      };

  /**
   * @param specJson the run spec as the agent shipped it
   * @return the predicted peaks
   * @throws IllegalArgumentException when the spec is malformed or names an unknown model; the
   *     message is shown on the run, and the run is observed without a prediction
   */
  PredictedPeaks predict(String specJson);
}
