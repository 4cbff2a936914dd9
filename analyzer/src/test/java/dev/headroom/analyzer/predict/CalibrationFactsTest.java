package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CalibrationFactsTest {

  @Test
  void everyBundledFactNamesACalibrationRowAnOptionalColumnAndItsSource() {
    CalibrationFacts facts = CalibrationFacts.bundled();
    Map<String, PredictionCase> plain = CasesFile.calibration().stream()
        .collect(Collectors.toMap(PredictionCase::id, Function.identity()));
    assertThat(facts.all()).isNotEmpty();
    assertThat(facts.all().keySet()).allSatisfy(id -> assertThat(plain).containsKey(id));
    assertThat(facts.all().values()).allSatisfy(byColumn ->
        assertThat(CalibrationFacts.COLUMNS).containsAll(byColumn.keySet()));
  }

  @Test
  void theDescribedCasesCarryTheFactsAndChangeNothingElse() {
    List<PredictionCase> plain = CasesFile.calibration();
    List<PredictionCase> described = CasesFile.calibrationDescribed();
    assertThat(described).hasSameSizeAs(plain);
    for (int k = 0; k < plain.size(); k++) {
      PredictionCase.Valid p = (PredictionCase.Valid) plain.get(k);
      PredictionCase.Valid d = (PredictionCase.Valid) described.get(k);
      assertThat(d.id()).isEqualTo(p.id());
      assertThat(d.measuredGib()).isEqualTo(p.measuredGib());
      assertThat(d.spec().model()).isEqualTo(p.spec().model());
      if (CalibrationFacts.bundled().forRow(p.id()).isEmpty()) {
        assertThat(d.spec()).isEqualTo(p.spec());
      } else {
        assertThat(d.spec().setup()).isNotEqualTo(p.spec().setup());
      }
    }
    TrainingSetup row48 = described.stream().filter(c -> c.id().equals("48")).findFirst()
        .map(c -> ((PredictionCase.Valid) c).spec().setup()).orElseThrow();
    assertThat(row48.gradAccum()).isEqualTo(32);
    assertThat(row48.fsdpMixedUnits()).isTrue();
    assertThat(row48.accumulateNoSync()).isTrue();
  }

  @Test
  void aFactMayNotFillAColumnTheRowsAlreadyCarryOrRepeatItself() {
    assertThatThrownBy(() -> CalibrationFacts.parse("id,column,value,from\n1,micro_batch,2,notes\n", "f.csv"))
        .isInstanceOf(SpecException.class).hasMessageContaining("f.csv:2").hasMessageContaining("micro_batch");
    assertThatThrownBy(() -> CalibrationFacts.parse(
        "id,column,value,from\n1,grad_accum,2,notes\n1,grad_accum,4,notes\n", "f.csv"))
        .isInstanceOf(SpecException.class).hasMessageContaining("f.csv:3").hasMessageContaining("twice");
    assertThatThrownBy(() -> CalibrationFacts.parse("id,column,value,from\n1,grad_accum,2,\n", "f.csv"))
        .isInstanceOf(SpecException.class).hasMessageContaining("from must not be empty");
    assertThatThrownBy(() -> CalibrationFacts.parse("id,column,value\n1,grad_accum,2\n", "f.csv"))
        .isInstanceOf(SpecException.class).hasMessageContaining("missing column from");
  }
}
