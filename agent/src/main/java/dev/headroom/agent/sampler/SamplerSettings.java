package dev.headroom.agent.sampler;

import java.time.Duration;

/**
 * How often the sampler reads and reports.
 *
 * @param rateHz device reads per second, 1 to 1000 (default 10)
 * @param reportInterval how much time one {@link dev.headroom.analyzer.model.DeviceReport} covers
 *     (default 1 s); at least one sampling period, so every report has a sample when reads succeed
 * @param initialBackoff wait before the first retry of a device that failed (doubles per failure)
 * @param maxBackoff longest wait between retries of a failing device
 */
public record SamplerSettings(
    double rateHz, Duration reportInterval, Duration initialBackoff, Duration maxBackoff) {

  public static final double MIN_RATE_HZ = 1;
  public static final double MAX_RATE_HZ = 1000;

  public SamplerSettings {
    if (!(rateHz >= MIN_RATE_HZ && rateHz <= MAX_RATE_HZ)) {
      throw new IllegalArgumentException(
          "sampling rate must be between 1 and 1000 Hz, got " + rateHz);
    }
    if (reportInterval.compareTo(Duration.ofNanos(Math.round(1e9 / rateHz))) < 0) {
      throw new IllegalArgumentException(
          "report interval "
              + reportInterval.toMillis()
              + " ms is shorter than one sampling period at "
              + rateHz
              + " Hz");
    }
    if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "backoff must be positive and max ≥ initial, got " + initialBackoff + " / " + maxBackoff);
    }
  }

  /** 10 Hz, 1 s reports, retries from 0.5 s up to 30 s. */
  public static SamplerSettings defaults() {
    return of(10, Duration.ofSeconds(1));
  }

  /** The given rate and interval with the default backoff. */
  public static SamplerSettings of(double rateHz, Duration reportInterval) {
    return new SamplerSettings(rateHz, reportInterval, Duration.ofMillis(500), Duration.ofSeconds(30));
  }

  /** Time between two reads. */
  public Duration samplingPeriod() {
    return Duration.ofNanos(Math.round(1e9 / rateHz));
  }
}
