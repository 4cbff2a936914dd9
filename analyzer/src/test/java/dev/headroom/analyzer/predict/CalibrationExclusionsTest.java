package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CalibrationExclusionsTest {

  @Test
  void everyBundledExclusionNamesARowOfTheCalibrationSetAndSaysWhy() {
    Set<String> ids = CasesFile.calibration().stream().map(PredictionCase::id).collect(Collectors.toSet());
    CalibrationExclusions bundled = CalibrationExclusions.bundled();
    assertThat(bundled.all()).isNotEmpty();
    assertThat(bundled.all().keySet()).allSatisfy(id -> assertThat(ids).contains(id));
    assertThat(bundled.all().values()).allSatisfy(e -> assertThat(e.why()).hasSizeGreaterThan(20));
    // The two rows whose notes say DISTRUSTED are the only distrusted ones.
    assertThat(bundled.all().values().stream()
        .filter(e -> e.reason() == CalibrationExclusions.Reason.DISTRUSTED)
        .map(CalibrationExclusions.Exclusion::id)).containsExactlyInAnyOrder("17", "64");
  }

  @Test
  void aBadReasonOrADuplicateNamesTheLine() {
    assertThatThrownBy(() -> CalibrationExclusions.parse("id,reason,why\n1,unsure,because\n", "x.csv"))
        .isInstanceOf(SpecException.class).hasMessageContaining("x.csv:2").hasMessageContaining("unsure");
    assertThatThrownBy(() -> CalibrationExclusions.parse(
        "id,reason,why\n1,distrusted,because\n1,distrusted,again\n", "x.csv"))
        .isInstanceOf(SpecException.class).hasMessageContaining("x.csv:3").hasMessageContaining("twice");
    assertThatThrownBy(() -> CalibrationExclusions.parse("id,why\n1,because\n", "x.csv"))
        .isInstanceOf(SpecException.class).hasMessageContaining("missing column reason");
  }
}
