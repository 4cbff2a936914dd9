package dev.headroom.cli.demo;

import dev.headroom.agent.sampler.SamplerSettings;
import dev.headroom.analyzer.detect.DetectorConfig;
import dev.headroom.collector.runs.RegistryPolicy;
import java.time.Duration;

/**
 * How fast the demo's simulated time runs, and the settings that follow from it.
 *
 * <p>The samplers tick on the wall clock but stamp simulated instants: at 60× they read 120 times
 * a wall second (every half simulated second) and close a report every 6 simulated seconds. Silence thresholds are judged in
 * simulated time too: left at their production values (3 report intervals, 15 s) they would allow
 * only about 0.3 s of wall time at any speed, and one garbage-collection pause on a busy laptop
 * would raise "agent silent". They are stretched here to {@link #WALL_SILENCE} of wall time.
 *
 * @param speed simulated seconds per wall-clock second
 * @param wallDuration how long the demo runs on the wall clock
 */
public record DemoPace(double speed, Duration wallDuration) {

  /** Sampler reads per wall second at least (what a real agent does at 1×)... */
  static final double MIN_SAMPLING_HZ = 10;
  /** ... and at most, to leave the CPU to the rest of the demo. */
  static final double MAX_SAMPLING_HZ = 200;
  /** Reports per wall second per GPU: enough for a smooth view, few enough for a laptop. */
  static final double REPORTS_PER_WALL_SECOND = 10;
  /** Wall-clock silence that counts as an agent gone quiet. */
  static final Duration WALL_SILENCE = Duration.ofSeconds(5);
  /** Simulated time between two simulated reporter posts, when the wall clock allows it. */
  static final Duration SIMULATED_REPORTER_PERIOD = Duration.ofSeconds(2);
  private static final Duration MIN_REPORTER_WALL_PERIOD = Duration.ofMillis(50);
  private static final Duration MAX_REPORTER_WALL_PERIOD = Duration.ofSeconds(1);

  public DemoPace {
    if (!(speed > 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException("speed must be a positive number, was " + speed);
    }
    if (wallDuration.isNegative() || wallDuration.isZero()) {
      throw new IllegalArgumentException("wallDuration must be > 0, was " + wallDuration);
    }
  }

  /** The simulated span the demo covers. */
  public Duration simulatedDuration() {
    return simulated(wallDuration);
  }

  /** {@code wall} of wall-clock time in simulated time. */
  Duration simulated(Duration wall) {
    return Duration.ofNanos(Math.round(wall.toNanos() * speed));
  }

  /**
   * Reads per wall second: two per simulated second where the CPU allows, so the per-step
   * sawtooth is sampled at many phases and each report's maximum comes close to the real peak
   * (one read per report would catch a random point of the tooth and hide a crossing of 90 %).
   */
  double samplingHz() {
    return Math.max(MIN_SAMPLING_HZ, Math.min(MAX_SAMPLING_HZ, 2 * speed));
  }

  /** Simulated time one report covers: {@link #REPORTS_PER_WALL_SECOND} a wall second, at least 1 s. */
  Duration simulatedReportSpan() {
    Duration span = simulated(Duration.ofNanos(Math.round(1e9 / REPORTS_PER_WALL_SECOND)));
    return span.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : span;
  }

  SamplerSettings sampler() {
    return SamplerSettings.of(samplingHz(), simulatedReportSpan());
  }

  /** Wall time between two posts of the simulated reporters (allocator samples, step marks). */
  Duration reporterWallPeriod() {
    Duration wall = Duration.ofNanos(Math.round(SIMULATED_REPORTER_PERIOD.toNanos() / speed));
    if (wall.compareTo(MIN_REPORTER_WALL_PERIOD) < 0) {
      return MIN_REPORTER_WALL_PERIOD;
    }
    return wall.compareTo(MAX_REPORTER_WALL_PERIOD) > 0 ? MAX_REPORTER_WALL_PERIOD : wall;
  }

  /** Report intervals without a frame before "agent silent": {@link #WALL_SILENCE} of wall time. */
  int silentIntervals() {
    double reportsPerWallSecond = speed / (simulatedReportSpan().toNanos() / 1e9);
    return (int) Math.max(3, Math.ceil(WALL_SILENCE.toSeconds() * reportsPerWallSecond));
  }

  /** The detectors' documented thresholds, with silence stretched to wall time. */
  DetectorConfig detectors() {
    DetectorConfig d = DetectorConfig.defaults();
    return new DetectorConfig(d.dangerRatio(), d.dangerClearRatio(), d.dangerReports(), d.predictedOomRatio(),
        d.leakWarmUp(), d.leakWindow(), d.leakMinFitSpan(), d.leakMaxFitSpan(), d.leakSegments(),
        d.leakMinSlopeBytesPerMinute(), d.leakMinGrowthBytes(), d.fragmentationRatio(), d.fragmentationGpuRatio(),
        d.fragmentationSamples(), d.deviationOverFactor(), d.deviationUnderFactor(), d.deviationMinObserved(),
        d.deadProcessReports(), d.xidQuiet(), silentIntervals(), simulatedReportSpan());
  }

  /** The registry's thresholds, a run silent only after {@link #WALL_SILENCE} of wall time. */
  RegistryPolicy registryPolicy() {
    RegistryPolicy p = RegistryPolicy.DEFAULT;
    Duration silence = simulated(WALL_SILENCE);
    return new RegistryPolicy(p.warningRatio(), p.dangerRatio(),
        silence.compareTo(p.minimumSilence()) > 0 ? silence : p.minimumSilence(), p.seriesPoints());
  }
}
