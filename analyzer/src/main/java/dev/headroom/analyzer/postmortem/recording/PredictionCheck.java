package dev.headroom.analyzer.postmortem.recording;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The predictor's per-GPU peak for the declared run spec beside what the recording saw.
 *
 * @param predictedDevicePeakBytes the predicted device-level (nvidia-smi) peak per GPU
 * @param predictedReservedPeakBytes the predicted caching-allocator reserved peak
 * @param observedPeakBytes the highest peak any GPU of the recording reached
 * @param ladder "what would have fit": the predictor's mitigation rungs, cumulative, top first;
 *     empty when the declared run is predicted to fit as it is
 * @param problem why no prediction could be made (a spec the predictor rejects), when so
 */
public record PredictionCheck(
    OptionalLong predictedDevicePeakBytes,
    OptionalLong predictedReservedPeakBytes,
    long observedPeakBytes,
    List<Rung> ladder,
    Optional<String> problem) {

  public PredictionCheck {
    ladder = List.copyOf(ladder);
  }

  /** One rung of the ladder: its name, what it costs, the predicted device peak after it. */
  public record Rung(String name, String cost, long predictedDevicePeakBytes, boolean fits) {}

  /** The first rung predicted to fit under the danger line. */
  public Optional<Rung> firstFit() {
    return ladder.stream().filter(Rung::fits).findFirst();
  }

  /** observed / predicted; 1.0 = exact, above 1 = the run used more than predicted. */
  public Optional<Double> observedOverPredicted() {
    if (predictedDevicePeakBytes.isEmpty() || predictedDevicePeakBytes.getAsLong() <= 0) {
      return Optional.empty();
    }
    return Optional.of((double) observedPeakBytes / predictedDevicePeakBytes.getAsLong());
  }
}
