package dev.headroom.collector.runs;

import java.time.Duration;

/**
 * Thresholds of the run registry.
 *
 * @param warningRatio used / usable at which a GPU shows as {@link GpuLevel#WARNING}
 * @param dangerRatio used / usable at which a GPU shows as {@link GpuLevel#DANGER}
 * @param minimumSilence a run is silent after max(3 report intervals, this) without observations
 * @param seriesPoints points kept per series before neighbours are merged (peaks survive)
 */
public record RegistryPolicy(
    double warningRatio, double dangerRatio, Duration minimumSilence, int seriesPoints) {

  public static final RegistryPolicy DEFAULT =
      new RegistryPolicy(0.80, 0.90, Duration.ofSeconds(15), 720);

  public RegistryPolicy {
    if (!(warningRatio > 0 && warningRatio <= dangerRatio && dangerRatio <= 1.0)) {
      throw new IllegalArgumentException(
          "need 0 < warningRatio <= dangerRatio <= 1, got " + warningRatio + ", " + dangerRatio);
    }
    if (minimumSilence.isNegative() || minimumSilence.isZero()) {
      throw new IllegalArgumentException("minimumSilence must be > 0, was " + minimumSilence);
    }
    if (seriesPoints < 4) {
      throw new IllegalArgumentException("seriesPoints must be >= 4, was " + seriesPoints);
    }
  }
}
