package dev.headroom.analyzer.detect;

import static dev.headroom.analyzer.detect.TrainingTrace.GIB;
import static dev.headroom.analyzer.detect.TrainingTrace.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.model.DeviceReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class LeakDetectorTest {

  /** When a condition of the kind first held, and the condition then. */
  record FirstFiring(Instant at, Condition condition) {}

  private static List<FirstFiring> firstFirings(TrainingTrace trace, Duration duration) {
    GpuDetectors detectors = new GpuDetectors(DetectorConfig.defaults());
    List<FirstFiring> firings = new ArrayList<>();
    AtomicReference<List<AlertKind>> previously = new AtomicReference<>(List.of());
    trace.play(
        duration,
        o -> {
          detectors.observe(o);
          if (o instanceof DeviceReport r) {
            List<Condition> now = detectors.conditions();
            for (Condition c : now) {
              if (!previously.get().contains(c.kind())) {
                firings.add(new FirstFiring(r.at(), c));
              }
            }
            previously.set(now.stream().map(Condition::kind).toList());
          }
        });
    return firings;
  }

  @ParameterizedTest(name = "step marks: {0}")
  @ValueSource(booleans = {false, true})
  void twentyMibPerMinuteLeakOnEightyGibIsFoundWithinTenMinutesWithTimeToOomWithinTwentyPercent(boolean marks) {
    TrainingTrace trace = new TrainingTrace();
    trace.leakBytesPerMinute = 20 * MIB;
    trace.stepMarks = marks;

    List<FirstFiring> firings = firstFirings(trace, Duration.ofMinutes(10));

    assertThat(firings).extracting(f -> f.condition().kind()).containsExactly(AlertKind.LEAK);
    FirstFiring leak = firings.get(0);
    double detectedAtSeconds = Duration.between(TrainingTrace.START, leak.at()).toSeconds();
    assertThat(detectedAtSeconds).isLessThanOrEqualTo(600);
    assertThat(leak.condition().values().get("slopeBytesPerMinute")).isCloseTo(20.0 * MIB, within(3.0 * MIB));
    // The trace has not reached its first evaluation, so the truth is without the cache it leaves.
    double truth =
        (trace.usableBytes() - (trace.contextBytes + trace.baselineBytes + trace.sawtoothBytes))
                / (trace.leakBytesPerMinute / 60.0)
            - detectedAtSeconds;
    assertThat(leak.condition().values().get("timeToOomSeconds")).isCloseTo(truth, within(0.2 * truth));
  }

  /** The leak runs from the trace's start, but the detector sees nothing before its warm-up ends. */
  private static final Duration WARM_UP = DetectorConfig.defaults().leakWarmUp();

  /** Sample noise sigma (MiB), minutes after warm-up by which it must be found, step marks, seed. */
  static Stream<Arguments> noisyLeaks() {
    return Stream.of(new long[] {32, 13}, new long[] {128, 30})
        .flatMap(target -> Stream.of(false, true)
            .flatMap(marks -> LongStream.rangeClosed(1, 5).mapToObj(seed -> Arguments.of(target[0], target[1], marks, seed))));
  }

  @ParameterizedTest(name = "sample noise sigma {0} MiB, step marks {2}, seed {3}: found within {1} min")
  @MethodSource("noisyLeaks")
  void aTwentyMibPerMinuteLeakInNoisyMemoryIsFoundInTimeWithItsSlopeWithinAQuarter(
      long noiseMib, long withinMinutes, boolean marks, long seed) {
    TrainingTrace trace = new TrainingTrace();
    trace.leakBytesPerMinute = 20 * MIB;
    trace.noiseSigmaBytes = noiseMib * MIB;
    trace.stepMarks = marks;
    trace.seed = seed;

    List<FirstFiring> firings = firstFirings(trace, WARM_UP.plusMinutes(withinMinutes));

    assertThat(firings).extracting(f -> f.condition().kind()).containsExactly(AlertKind.LEAK);
    FirstFiring leak = firings.get(0);
    double detectedAtSeconds = Duration.between(TrainingTrace.START, leak.at()).toSeconds();
    assertThat(detectedAtSeconds - WARM_UP.toSeconds()).as("seconds after warm-up").isLessThanOrEqualTo(withinMinutes * 60.0);
    // At the first firing the slope is known to about a quarter at σ = 128 MiB (30 s windows).
    assertThat(leak.condition().values().get("slopeBytesPerMinute")).isCloseTo(20.0 * MIB, within(0.25 * 20 * MIB));
    // Still before the first evaluation, so the truth is without the cache it leaves; a slope off by
    // up to 25 % moves the time to OOM by up to a third.
    double truth =
        (trace.usableBytes() - (trace.contextBytes + trace.baselineBytes + trace.sawtoothBytes))
                / (trace.leakBytesPerMinute / 60.0)
            - detectedAtSeconds;
    assertThat(leak.condition().values().get("timeToOomSeconds")).isCloseTo(truth, within(0.34 * truth));
  }

  /** Step marks, sample noise sigma (MiB), seed. */
  static Stream<Arguments> noisyHealthyRuns() {
    return Stream.of(new Object[] {false, 128L}, new Object[] {true, 128L}, new Object[] {true, 32L})
        .flatMap(run -> LongStream.rangeClosed(1, 5).mapToObj(seed -> Arguments.of(run[0], run[1], seed)));
  }

  @ParameterizedTest(name = "step marks: {0}, sample noise sigma {1} MiB, seed {2}")
  @MethodSource("noisyHealthyRuns")
  void twentyFourHoursOfNoisyHealthyTrainingRaiseNothing(boolean marks, long noiseMib, long seed) {
    TrainingTrace trace = new TrainingTrace();
    trace.stepMarks = marks;
    trace.noiseSigmaBytes = noiseMib * MIB;
    trace.seed = seed;

    assertThat(firstFirings(trace, Duration.ofHours(24))).isEmpty();
  }

  /** Step (MiB), seed. */
  static Stream<Arguments> noisySteps() {
    return LongStream.of(256, 2048, 8192)
        .boxed()
        .flatMap(step -> LongStream.rangeClosed(1, 5).mapToObj(seed -> Arguments.of(step, seed)));
  }

  @ParameterizedTest(name = "step of {0} MiB, seed {1}")
  @MethodSource("noisySteps")
  void aOneOffStepUpInNoisyMemoryIsNotALeak(long stepMib, long seed) {
    TrainingTrace trace = new TrainingTrace();
    trace.noiseSigmaBytes = 32 * MIB;
    trace.stepUpBytes = stepMib * MIB;
    trace.seed = seed;

    assertThat(firstFirings(trace, Duration.ofHours(3))).isEmpty();
  }

  @ParameterizedTest(name = "step marks: {0}, sample noise sigma {1} MiB")
  @CsvSource({"false, 8", "true, 8", "false, 32"})
  void twentyFourHoursOfHealthyTrainingRaiseNothing(boolean marks, long noiseMib) {
    TrainingTrace trace = new TrainingTrace();
    trace.stepMarks = marks;
    trace.noiseSigmaBytes = noiseMib * MIB;
    trace.seed = marks ? 7 : 11 + noiseMib;

    assertThat(firstFirings(trace, Duration.ofHours(24))).isEmpty();
  }

  @ParameterizedTest(name = "step of {0} MiB")
  @ValueSource(longs = {256, 2048, 8192})
  void aOneOffStepUpIsNotALeak(long stepMib) {
    LeakDetector detector = new LeakDetector(DetectorConfig.defaults());
    TrainingTrace trace = new TrainingTrace();
    java.util.Random random = new java.util.Random(stepMib);
    for (int second = 0; second < 3 * 3600; second++) {
      long base = 30 * GIB + (second >= 40 * 60 ? stepMib * MIB : 0);
      long min = base + (long) (random.nextGaussian() * 4 * MIB);
      var stats = new dev.headroom.analyzer.model.Stats(min, min + 10 * GIB, min + 5 * GIB);
      detector.observe(trace.report(TrainingTrace.at(second), TrainingTrace.at(second + 1), stats));
      assertThat(detector.condition()).as("at second %d", second).isEmpty();
    }
    // It did see the step: the fit spanning it has a clearly positive slope, just not a consistent one.
    assertThat(detector.estimate()).isPresent();
  }

  @ParameterizedTest(name = "leak starts after {0} h")
  @ValueSource(ints = {1, 5})
  void aLeakThatStartsLateIsFoundToo(int hours) {
    LeakDetector detector = new LeakDetector(DetectorConfig.defaults());
    TrainingTrace trace = new TrainingTrace();
    java.util.Random random = new java.util.Random(hours);
    int leakStart = hours * 3600;
    Integer firedAt = null;
    for (int second = 0; second < leakStart + 3600 && firedAt == null; second++) {
      double leaked = Math.max(0, second - leakStart) / 60.0 * 10 * MIB;
      long min = (long) (30 * GIB + leaked + random.nextGaussian() * 4 * MIB);
      var stats = new dev.headroom.analyzer.model.Stats(min, min + 10 * GIB, min + 5 * GIB);
      detector.observe(trace.report(TrainingTrace.at(second), TrainingTrace.at(second + 1), stats));
      if (detector.condition().isPresent()) {
        firedAt = second;
      }
    }
    assertThat(firedAt).isNotNull();
    assertThat(firedAt - leakStart).as("seconds after the leak started").isBetween(0, 15 * 60);
  }

  @Test
  void aLateLeakStaysRaisedWhileItLastsAndClearsOnceTheBaselineIsFlatAgain() {
    LeakDetector detector = new LeakDetector(DetectorConfig.defaults());
    TrainingTrace trace = new TrainingTrace();
    java.util.Random random = new java.util.Random(3);
    int leakStart = 3600;
    int leakEnd = leakStart + 40 * 60;
    List<Boolean> firingPerMinute = new ArrayList<>();
    for (int second = 0; second < leakEnd + 40 * 60; second++) {
      double leaked = (Math.min(second, leakEnd) - Math.min(second, leakStart)) / 60.0 * 20 * MIB;
      long min = (long) (30 * GIB + leaked + random.nextGaussian() * 4 * MIB);
      var stats = new dev.headroom.analyzer.model.Stats(min, min + 10 * GIB, min + 5 * GIB);
      detector.observe(trace.report(TrainingTrace.at(second), TrainingTrace.at(second + 1), stats));
      if (second % 60 == 59) {
        firingPerMinute.add(detector.condition().isPresent());
      }
    }
    int firstFiring = firingPerMinute.indexOf(true);
    int lastFiring = firingPerMinute.lastIndexOf(true);
    assertThat(firstFiring).as("minute first raised").isBetween(60, 70);
    assertThat(firingPerMinute.subList(firstFiring, lastFiring + 1)).as("no flapping while raised").doesNotContain(false);
    assertThat(lastFiring).as("minute last raised").isBetween(100, 115);
    assertThat(firingPerMinute.subList(lastFiring + 1, firingPerMinute.size())).doesNotContain(true);
  }
}
