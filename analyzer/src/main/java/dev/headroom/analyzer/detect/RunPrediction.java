package dev.headroom.analyzer.detect;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the predictor said about one GPU of a run, as plain numbers so the detectors do not depend
 * on the predictor's types.
 *
 * @param predictedPeakBytes the predicted peak device memory of the run on this GPU
 * @param usableBytes the GPU's usable memory the prediction was made for; empty to use the
 *     GPU's own reports (usable = total − reserved)
 * @param firstMitigation the first mitigation rung that fits, as the predictor words it
 *     ("enable activation checkpointing: peak 61.2 GiB"), empty when none fits or none was computed
 */
public record RunPrediction(long predictedPeakBytes, OptionalLong usableBytes, Optional<String> firstMitigation) {
  public RunPrediction {
    if (predictedPeakBytes <= 0) {
      throw new IllegalArgumentException("predictedPeakBytes must be > 0, got " + predictedPeakBytes);
    }
    Objects.requireNonNull(usableBytes, "usableBytes");
    Objects.requireNonNull(firstMitigation, "firstMitigation");
  }
}
