package dev.headroom.analyzer.detect;

import static dev.headroom.analyzer.detect.TrainingTrace.GIB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.Stats;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PredictionDetectorsTest {
  private final DetectorConfig config = DetectorConfig.defaults();

  @Test
  void predictedOomIsRaisedBeforeAnyMemoryIsUsedAndNamesTheFirstRungThatFits() {
    PredictedOomDetector detector = new PredictedOomDetector(config);
    detector.predict(
        new RunPrediction(78 * GIB, OptionalLong.of(80 * GIB), Optional.of("enable activation checkpointing (61.0 GiB)")));

    var condition = detector.condition().orElseThrow();
    assertThat(condition.severity()).isEqualTo(Severity.WARNING);
    assertThat(condition.values().get("ratio")).isEqualTo(78.0 / 80.0);
    assertThat(condition.suggestedAction()).contains("enable activation checkpointing (61.0 GiB)");
  }

  @Test
  void predictedOomTakesUsableMemoryFromReportsWhenThePredictionHasNone() {
    PredictedOomDetector detector = new PredictedOomDetector(config);
    detector.predict(new RunPrediction(85 * GIB, OptionalLong.empty(), Optional.empty()));
    assertThat(detector.condition()).as("no capacity known yet").isEmpty();

    detector.observe(Reports.peak(1, 0.1));

    var condition = detector.condition().orElseThrow();
    assertThat(condition.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(condition.explanation()).contains("will not fit");
    assertThat(condition.suggestedAction()).contains("No single mitigation");
  }

  @Test
  void predictedOomStaysQuietForAPredictionThatFits() {
    PredictedOomDetector detector = new PredictedOomDetector(config);
    detector.predict(new RunPrediction(71 * GIB, OptionalLong.of(80 * GIB), Optional.empty()));

    assertThat(detector.condition()).isEmpty();
  }

  @Test
  void deviationAboveOneFifteenIsRaisedAtOnce() {
    DeviationDetector detector = new DeviationDetector(config);
    detector.predict(new RunPrediction(40 * GIB, OptionalLong.empty(), Optional.empty()));
    detector.observe(Reports.at(1, new Stats(30 * GIB, 46 * GIB, 30 * GIB), DeviceState.OK, List.of()));
    assertThat(detector.condition()).as("46/40 = 1.15 is not above 1.15").isEmpty();

    detector.observe(Reports.at(2, new Stats(30 * GIB, 47 * GIB, 30 * GIB), DeviceState.OK, List.of()));

    var condition = detector.condition().orElseThrow();
    assertThat(condition.values().get("observedOverPredicted")).isEqualTo(47.0 / 40.0);
    assertThat(condition.explanation()).contains("more than its spec");
  }

  @Test
  void deviationBelowHalfWaitsUntilTheGpuWasWatchedLongEnough() {
    DeviationDetector detector = new DeviationDetector(config);
    detector.predict(new RunPrediction(40 * GIB, OptionalLong.empty(), Optional.empty()));
    Stats low = new Stats(10 * GIB, 15 * GIB, 12 * GIB);
    detector.observe(Reports.at(1, low, DeviceState.OK, List.of()));
    detector.observe(Reports.at(299, low, DeviceState.OK, List.of()));
    assertThat(detector.condition()).as("4 min 59 s in").isEmpty();

    detector.observe(Reports.at(300, low, DeviceState.OK, List.of()));
    assertThat(detector.condition()).hasValueSatisfying(c -> assertThat(c.explanation()).contains("far less"));

    detector.observe(Reports.at(301, new Stats(10 * GIB, 21 * GIB, 12 * GIB), DeviceState.OK, List.of()));
    assertThat(detector.condition()).as("peak now above half the prediction").isEmpty();
  }

  @Test
  void noPredictionNoDeviation() {
    DeviationDetector detector = new DeviationDetector(config);
    detector.observe(Reports.peak(1, 0.99));
    assertThat(detector.condition()).isEmpty();
  }
}
