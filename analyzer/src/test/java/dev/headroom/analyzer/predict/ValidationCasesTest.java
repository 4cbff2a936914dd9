package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The bundled validation rows: measured, parseable, and none of them a calibration row. */
class ValidationCasesTest {

  @Test
  void everyValidationRowParsesAndHasAMeasuredPeak() {
    assertParsedAndMeasured(CasesFile.validation());
  }

  private static void assertParsedAndMeasured(List<PredictionCase> cases) {
    assertThat(cases).hasSizeGreaterThanOrEqualTo(20);
    assertThat(cases).allSatisfy(c -> {
      assertThat(c).isInstanceOf(PredictionCase.Valid.class);
      assertThat(((PredictionCase.Valid) c).measuredGib()).isPresent();
    });
  }

  @Test
  void noValidationRowRepeatsACalibrationRow() {
    Set<String> calibrationIds = CasesFile.calibration().stream().map(PredictionCase::id).collect(Collectors.toSet());
    List<PredictionCase.Valid> validation = CasesFile.validation().stream()
        .map(PredictionCase.Valid.class::cast).toList();
    assertThat(validation).extracting(PredictionCase::id).doesNotContainAnyElementsOf(calibrationIds).doesNotHaveDuplicates();
    // Same id aside, a row that repeats a calibration row's setup and metric would only count it twice.
    Set<String> calibrationSetups = CasesFile.calibration().stream().map(PredictionCase.Valid.class::cast)
        .map(ValidationCasesTest::setupKey).collect(Collectors.toSet());
    assertThat(validation).allSatisfy(v -> assertThat(calibrationSetups).doesNotContain(setupKey(v)));
  }

  @Test
  void theHoldoutRowsParseAreMeasuredAndRepeatNoOtherRow() {
    List<PredictionCase> holdout = CasesFile.holdout();
    assertParsedAndMeasured(holdout);
    Set<String> otherIds = java.util.stream.Stream.concat(CasesFile.calibration().stream(), CasesFile.validation().stream())
        .map(PredictionCase::id).collect(Collectors.toSet());
    assertThat(holdout).extracting(PredictionCase::id).doesNotContainAnyElementsOf(otherIds).doesNotHaveDuplicates();
  }

  private static String setupKey(PredictionCase.Valid c) {
    return c.spec().model().params() + "/" + c.spec().setup() + "/" + c.metric();
  }
}
