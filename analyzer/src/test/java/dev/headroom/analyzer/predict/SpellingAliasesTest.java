package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.analyzer.predict.TrainingSetup.Attention;
import dev.headroom.analyzer.predict.TrainingSetup.Checkpointing;
import dev.headroom.analyzer.predict.TrainingSetup.Loss;
import dev.headroom.analyzer.predict.TrainingSetup.Method;
import dev.headroom.analyzer.predict.TrainingSetup.Offload;
import dev.headroom.analyzer.predict.TrainingSetup.Optimizer;
import dev.headroom.analyzer.predict.TrainingSetup.Precision;
import dev.headroom.analyzer.predict.TrainingSetup.Quant;
import dev.headroom.analyzer.predict.TrainingSetup.Sharding;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The spellings of HF, Lightning and DeepSpeed are read as the labels they mean, and only those. */
class SpellingAliasesTest {

  static Stream<List<Labeled>> setupEnums() {
    return Stream.<Labeled[]>of(Method.values(), Quant.values(), Precision.values(), Optimizer.values(),
        Checkpointing.values(), Attention.values(), Loss.values(), Sharding.values(), Offload.values(), Metric.values())
        .map(List::of);
  }

  @ParameterizedTest
  @MethodSource("setupEnums")
  void everySpellingNamesOneConstantOnly(List<Labeled> values) {
    List<String> spellings = new ArrayList<>();
    for (Labeled v : values) {
      spellings.add(v.label());
      spellings.addAll(v.aliases());
      assertThat(v.aliases()).allSatisfy(a -> assertThat(a).isLowerCase().doesNotContain("_", " "));
    }
    assertThat(spellings).doesNotHaveDuplicates();
  }

  private static final java.util.Map<String, java.util.function.Function<String, Labeled>> BY_FIELD = java.util.Map.of(
      "optimizer", t -> Labeled.parse(Optimizer.values(), t, "optimizer", "t"),
      "precision", t -> Labeled.parse(Precision.values(), t, "precision", "t"),
      "sharding", t -> Labeled.parse(Sharding.values(), t, "sharding", "t"),
      "attention", t -> Labeled.parse(Attention.values(), t, "attention", "t"),
      "grad_ckpt", t -> Labeled.parse(Checkpointing.values(), t, "grad_ckpt", "t"),
      "loss", t -> Labeled.parse(Loss.values(), t, "loss", "t"),
      "metric", t -> Labeled.parse(Metric.values(), t, "metric", "t"));

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
      "optimizer, paged_adamw_32bit, paged-adamw", "optimizer, adamw_bnb_8bit, adamw-8bit",
      "optimizer, adamw_torch, adamw", "precision, bf16, bf16-mixed", "precision, 16-mixed, fp16-mixed",
      "precision, 32-true, fp32", "sharding, FULL_SHARD, fsdp-full", "sharding, zero_stage_3, zero3",
      "attention, flash_attention_2, flash", "grad_ckpt, true, full", "loss, liger, fused",
      "metric, max_memory_reserved, reserved", "metric, nvidia-smi, device"})
  void toolSpellingsReadAsTheirLabel(String field, String spelled, String label) {
    assertThat(BY_FIELD.get(field).apply(spelled).label()).isEqualTo(label);
  }

  @Test
  void aSpellingThatMeansOtherMemoryIsStillRefused() {
    // fused AdamW keeps no foreach temporaries: calling it adamw would overstate the step.
    assertThatThrownBy(() -> Labeled.parse(Optimizer.values(), "adamw_torch_fused", "optimizer", "row 7"))
        .isInstanceOf(SpecException.class)
        .hasMessage("row 7: optimizer 'adamw_torch_fused' is not one of "
            + "adamw|adamw-8bit|paged-adamw|paged-adamw-8bit|sgd|sgd-momentum|adafactor (a fused AdamW step"
            + " allocates no foreach temporaries: use adamw with optimizer_foreach false)");
    // accelerate's mixed_precision "no" runs in the load dtype, which is not always fp32.
    assertThatThrownBy(() -> Labeled.parse(Precision.values(), "no", "precision", "t"))
        .isInstanceOf(SpecException.class).hasMessageContaining("bf16-true for a bf16 load");
    assertThatThrownBy(() -> Labeled.parse(Precision.values(), "bf17", "precision", "t"))
        .hasMessage("t: precision 'bf17' is not one of bf16-mixed|bf16-true|fp16-mixed|fp32");
  }

  @Test
  void aCasesRowInHfSpellingsPredictsWhatTheLabelledRowDoes() {
    String header = String.join(",", CasesFile.REQUIRED);
    String csv = header + "\n"
        + "a,llama-3-8b,,,,,,,,,,,qlora,16,all-linear,nf4-dq,bf16-mixed,paged-adamw,2,1024,full,2,fsdp-full,none,flash,standard,reserved\n"
        + "b,llama-3-8b,,,,,,,,,,,qlora,16,q_proj;k_proj;v_proj;o_proj;gate_proj;up_proj;down_proj,nf4_dq,bf16,"
        + "paged_adamw_32bit,2,1024,true,2,full_shard,no,flash_attention_2,standard,reserved\n";
    List<PredictionCase> cases = CasesFile.parse(csv, "cases.csv");
    assertThat(cases.get(1)).as(cases.get(1).toString()).isInstanceOf(PredictionCase.Valid.class);
    assertThat(cases).allSatisfy(c -> assertThat(c).isInstanceOf(PredictionCase.Valid.class));
    RunSpec a = ((PredictionCase.Valid) cases.get(0)).spec();
    RunSpec b = ((PredictionCase.Valid) cases.get(1)).spec();
    assertThat(b.setup()).isEqualTo(a.setup());
    MemoryPredictor predictor = MemoryPredictor.standard();
    assertThat(predictor.predict(b).peakBytes(Metric.RESERVED)).isEqualTo(predictor.predict(a).peakBytes(Metric.RESERVED));
  }
}
