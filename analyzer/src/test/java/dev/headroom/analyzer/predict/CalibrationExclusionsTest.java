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
  void everyRowWhoseNotesSayNotRepresentableIsSetAside() throws Exception {
    // The rule is mechanical, not picked by error: a row whose own notes name a setting the
    // columns cannot express (torch.compile, Float8, optimizer in backward, ...) is excluded.
    String text;
    try (var in = CalibrationExclusionsTest.class.getResourceAsStream(
        "/dev/headroom/analyzer/predict/calibration/memory-cases-calibration.csv")) {
      text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    CsvTable table = CsvTable.parse(text, "memory-cases-calibration.csv");
    int id = table.column("id");
    int notes = table.column("notes");
    Set<String> flagged = table.rows().stream()
        .filter(r -> r.fields().get(notes).toLowerCase(java.util.Locale.ROOT).contains("not representable"))
        .map(r -> r.fields().get(id))
        .collect(Collectors.toSet());
    assertThat(flagged).contains("56", "60", "127", "128", "130");
    assertThat(CalibrationExclusions.bundled().all().keySet()).containsAll(flagged);
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
