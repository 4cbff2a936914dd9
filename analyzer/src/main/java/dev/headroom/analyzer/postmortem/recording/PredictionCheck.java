package dev.headroom.analyzer.postmortem.recording;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The predictor's per-GPU peak for the declared run spec beside what the recording saw.
 *
 * @param predictedDevicePeakBytes the predicted device-level (nvidia-smi) peak per GPU
 * @param predictedReservedPeakBytes the predicted caching-allocator reserved peak
 * @param observedPeakBytes the highest peak any GPU of the recording reached
 * @param problem why no prediction could be made (a spec the predictor rejects), when so
 */
public record PredictionCheck(
    OptionalLong predictedDevicePeakBytes,
    OptionalLong predictedReservedPeakBytes,
    long observedPeakBytes,
    Optional<String> problem) {

  /** observed / predicted; 1.0 = exact, above 1 = the run used more than predicted. */
  public Optional<Double> observedOverPredicted() {
    if (predictedDevicePeakBytes.isEmpty() || predictedDevicePeakBytes.getAsLong() <= 0) {
      return Optional.empty();
    }
    return Optional.of((double) observedPeakBytes / predictedDevicePeakBytes.getAsLong());
  }
}
