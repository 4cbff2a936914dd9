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

  @Test
  void toolSpellingsReadAsTheirLabel() {
    assertThat(Labeled.parse(Optimizer.values(), "paged_adamw_32bit", "optimizer", "t")).isEqualTo(Optimizer.PAGED_ADAMW);
    assertThat(Labeled.parse(Optimizer.values(), "adamw_bnb_8bit", "optimizer", "t")).isEqualTo(Optimizer.ADAMW_8BIT);
    assertThat(Labeled.parse(Optimizer.values(), "adamw_torch", "optimizer", "t")).isEqualTo(Optimizer.ADAMW);
    assertThat(Labeled.parse(Precision.values(), "bf16", "precision", "t")).isEqualTo(Precision.BF16_MIXED);
    assertThat(Labeled.parse(Precision.values(), "16-mixed", "precision", "t")).isEqualTo(Precision.FP16_MIXED);
    assertThat(Labeled.parse(Precision.values(), "32-true", "precision", "t")).isEqualTo(Precision.FP32);
    assertThat(Labeled.parse(Sharding.values(), "FULL_SHARD", "sharding", "t")).isEqualTo(Sharding.FSDP_FULL);
    assertThat(Labeled.parse(Sharding.values(), "zero_stage_3", "sharding", "t")).isEqualTo(Sharding.ZERO3);
    assertThat(Labeled.parse(Attention.values(), "flash_attention_2", "attention", "t")).isEqualTo(Attention.FLASH);
    assertThat(Labeled.parse(Checkpointing.values(), "true", "grad_ckpt", "t")).isEqualTo(Checkpointing.FULL);
    assertThat(Labeled.parse(Loss.values(), "liger", "loss", "t")).isEqualTo(Loss.FUSED);
    assertThat(Labeled.parse(Metric.values(), "max_memory_reserved", "metric", "t")).isEqualTo(Metric.RESERVED);
    assertThat(Labeled.parse(Metric.values(), "nvidia-smi", "metric", "t")).isEqualTo(Metric.DEVICE);
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
