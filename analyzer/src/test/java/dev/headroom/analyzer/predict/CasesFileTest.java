package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CasesFileTest {
  private static final String HEADER = String.join(",", CasesFile.REQUIRED) + ",peak_gib,notes";

  @Test
  void everyCalibrationRowParses() {
    List<PredictionCase> cases = CasesFile.calibration();
    assertThat(cases).hasSize(47);
    assertThat(cases).allSatisfy(c -> assertThat(c).isInstanceOf(PredictionCase.Valid.class));
    PredictionCase.Valid first = (PredictionCase.Valid) cases.get(0);
    assertThat(first.id()).isEqualTo("1");
    assertThat(first.spec().model().params()).isEqualTo(7_217_189_760L);
    assertThat(first.spec().model().family()).isEqualTo(Family.FALCON); // style from the preset
    assertThat(first.metric()).isEqualTo(Metric.ALLOCATED);
    assertThat(first.measuredGib()).hasValue(15.54);
  }

  @Test
  void aBadValueNamesRowAndColumnAndTheOtherRowsStillParse() {
    String csv = HEADER + "\n"
        + "a,llama-3-8b,,,,,,,,,,,lora,16,q;v,none,bf16-true,adamw,2,512,full,1,none,none,sdpa,standard,allocated,10,\"ok, quoted\"\n"
        + "b,llama-3-8b,,,,,,,,,,,lora,16,q;v,none,bf16-true,adamw,two,512,full,1,none,none,sdpa,standard,allocated,10,\n"
        + "c,llama-3-8b,,,,,,,,,,,lora,16,q;v,none,bf16-rue,adamw,2,512,full,1,none,none,sdpa,standard,allocated,10,\n"
        + "d,mystery,32,4096,32,8,,14336,128256,false,swiglu,,full,,,none,bf16-mixed,adamw,1,2048,none,1,none,none,sdpa,standard,device,,\n"
        + "e,mystery,32,0,32,8,,14336,128256,false,swiglu,,full,,,none,bf16-mixed,adamw,1,2048,none,1,none,none,sdpa,standard,device,,\n";
    List<PredictionCase> cases = CasesFile.parse(csv, "cases.csv");
    assertThat(cases).extracting(PredictionCase::id).containsExactly("a", "b", "c", "d", "e");
    assertThat(cases.get(0)).isInstanceOf(PredictionCase.Valid.class);
    assertThat(cases.get(1)).isEqualTo(new PredictionCase.Invalid("b", 3, "micro_batch", "not an integer: 'two'"));
    PredictionCase.Invalid c = (PredictionCase.Invalid) cases.get(2);
    assertThat(c.column()).isEqualTo("precision");
    assertThat(c.message()).contains("'bf16-rue'");
    PredictionCase.Valid d = (PredictionCase.Valid) cases.get(3);
    assertThat(d.spec().model().params()).isEqualTo(8_030_261_248L);
    assertThat(d.measuredGib()).isEmpty();
    PredictionCase.Invalid e = (PredictionCase.Invalid) cases.get(4);
    assertThat(e.column()).isEqualTo("hidden");
    assertThat(e.line()).isEqualTo(6);
  }

  @Test
  void missingColumnsAreNamed() {
    assertThatThrownBy(() -> CasesFile.parse("id,model,layers\n1,x,2\n", "cases.csv"))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("cases.csv:1: missing column(s) hidden, heads");
  }

  @Test
  void anOptionalCapacityColumnSetsTheGpu() {
    String csv = HEADER + ",gpu_capacity_gib\n"
        + "a,llama-3-8b,,,,,,,,,,,lora,16,q;v,none,bf16-true,adamw,2,512,full,1,none,none,sdpa,standard,device,,,24\n";
    PredictionCase.Valid a = (PredictionCase.Valid) CasesFile.parse(csv, "cases.csv").get(0);
    assertThat(a.spec().gpu().capacityBytes()).isEqualTo(24L << 30);
  }

  @Test
  void quotedFieldsMayHoldCommasQuotesAndNewlines() {
    CsvTable t = CsvTable.parse("a,b\n\"x, \"\"y\"\"\nz\",2\n3,4\n", "t.csv");
    assertThat(t.rows()).hasSize(2);
    assertThat(t.rows().get(0).fields()).containsExactly("x, \"y\"\nz", "2");
    assertThat(t.rows().get(1).line()).isEqualTo(4);
    assertThatThrownBy(() -> CsvTable.parse("a\n\"open", "t.csv")).hasMessageContaining("t.csv:2: unterminated");
  }
}
