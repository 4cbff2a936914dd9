package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.predict.TrainingSetup.Method;
import java.util.List;
import org.junit.jupiter.api.Test;

class FitLadderTest {

  @Test
  void eightBillionFullFineTuningOnA4090ClimbsToQlora() {
    RunSpec spec = RunSpec.parse("{\"model\":\"llama-3-8b\",\"precision\":\"fp32\",\"micro_batch\":4,"
        + "\"seq_len\":1024,\"gpu\":\"RTX-4090\"}", "x");
    List<FitLadder.Rung> rungs = FitLadder.standard().climb(spec);
    assertThat(rungs).extracting(FitLadder.Rung::name).containsSubsequence(
        "bf16 mixed precision", "activation checkpointing", "8-bit optimizer",
        "QLoRA (4-bit NF4 base + LoRA adapters)", "offload optimizer to CPU");
    // the peak sits at the optimizer step, so accumulation would only add gradients to it
    assertThat(FitLadder.standard().climbShowingSkipped(spec).skipped()).extracting(FitLadder.Rung::name)
        .containsExactly("micro-batch 1 with gradient accumulation");
    FitLadder.Rung first = FitLadder.standard().firstFit(spec).orElseThrow();
    assertThat(first.name()).startsWith("QLoRA");
    assertThat(first.spec().setup().method()).isEqualTo(Method.QLORA);
    assertThat(first.cost()).contains("quality");
    long start = MemoryPredictor.standard().predict(spec).peakBytes(Metric.DEVICE);
    assertThat(rungs.get(rungs.size() - 1).prediction().peakBytes(Metric.DEVICE)).isLessThan(start / 5);
  }

  @Test
  void aBigVocabularyRunIsOfferedAFusedLossBeforeCheckpointing() {
    // Gemma-2-9B's 256k vocabulary: the standard loss holds 14 bytes per vocabulary entry per token
    // (fp32 logits, their shifted copy, log-softmax, the soft-cap's tanh), 14.7 GB at 4,096 tokens.
    RunSpec gemma = RunSpec.parse("{\"model\":\"gemma-2-9b\",\"method\":\"qlora\",\"quant_keeps_input\":false,"
        + "\"micro_batch\":2,\"seq_len\":2048,\"gpu\":\"RTX-4090\"}", "x");
    List<FitLadder.Rung> rungs = FitLadder.standard().climb(gemma);
    List<String> names = rungs.stream().map(FitLadder.Rung::name).toList();
    assertThat(names).containsSubsequence("fused cross-entropy (Liger, Cut Cross-Entropy)", "activation checkpointing");
    FitLadder.Rung fused = rungs.get(names.indexOf("fused cross-entropy (Liger, Cut Cross-Entropy)"));
    assertThat(fused.spec().setup().loss()).isEqualTo(TrainingSetup.Loss.FUSED);
    long before = rungs.get(names.indexOf("fused cross-entropy (Liger, Cut Cross-Entropy)") - 1)
        .prediction().peakBytes(Metric.DEVICE);
    assertThat(before - fused.prediction().peakBytes(Metric.DEVICE)).isGreaterThan(10L << 30);
    // Nothing to fuse: a run already on a fused loss, and a sequence classifier.
    RunSpec liger = RunSpec.parse("{\"model\":\"gemma-2-9b\",\"method\":\"qlora\",\"loss\":\"fused\","
        + "\"micro_batch\":2,\"seq_len\":2048,\"gpu\":\"RTX-4090\"}", "x");
    RunSpec bert = RunSpec.parse("{\"model\":\"bert-large-uncased\",\"precision\":\"fp32\",\"micro_batch\":64,"
        + "\"seq_len\":512,\"gpu\":\"T4\"}", "x");
    for (RunSpec nothingToFuse : List.of(liger, bert)) {
      assertThat(FitLadder.standard().climbShowingSkipped(nothingToFuse).rungs())
          .extracting(FitLadder.Rung::name).noneMatch(n -> n.startsWith("fused cross-entropy"));
    }
  }

  @Test
  void anOldBitsandbytesQloraRunIsToldToUpgradeFirstAndTheQloraRungAssumesACurrentOne() {
    // Llama-3-8B QLoRA without checkpointing on a 4090: the kept 4-bit inputs are gigabytes.
    RunSpec old = RunSpec.parse("{\"model\":\"llama-3-8b\",\"method\":\"qlora\",\"precision\":\"bf16-true\","
        + "\"micro_batch\":4,\"seq_len\":2048,\"gpu\":\"RTX-4090\"}", "x");
    List<FitLadder.Rung> rungs = FitLadder.standard().climb(old);
    assertThat(rungs.get(1).name()).startsWith("bitsandbytes >= 0.43.2");
    assertThat(rungs.get(1).spec().setup().quantKeepsInput()).isFalse();
    assertThat(rungs.get(1).prediction().peakBytes(Metric.DEVICE))
        .isLessThan(rungs.get(0).prediction().peakBytes(Metric.DEVICE) - (1L << 30));
    // Already current: nothing to upgrade.
    RunSpec current = RunSpec.parse("{\"model\":\"llama-3-8b\",\"method\":\"qlora\",\"quant_keeps_input\":false,"
        + "\"micro_batch\":4,\"seq_len\":2048,\"gpu\":\"RTX-4090\"}", "x");
    assertThat(FitLadder.standard().climb(current)).extracting(FitLadder.Rung::name)
        .noneMatch(n -> n.startsWith("bitsandbytes"));
    // A full fine-tune sent down to QLoRA gets the current library's count.
    RunSpec full = RunSpec.parse("{\"model\":\"llama-3-8b\",\"micro_batch\":4,\"seq_len\":1024,"
        + "\"gpu\":\"RTX-4090\"}", "x");
    FitLadder.Rung qlora = FitLadder.standard().climb(full).stream()
        .filter(r -> r.name().startsWith("QLoRA")).findFirst().orElseThrow();
    assertThat(qlora.spec().setup().quantKeepsInput()).isFalse();
    // ...and, trained in mixed precision, HF's kbit preparation: fp32 norms, as a spec would default.
    assertThat(qlora.spec().setup().precision().fp32Master()).isTrue();
    assertThat(qlora.spec().setup().fp32Norms()).isTrue();
  }

  @Test
  void an8BitRunWhoseLoopKeepsTheLastStepIsToldToDropItBeforeCheckpointing() {
    // bitsandbytes' 8-bit matmul keeps its input on the context in every version: no upgrade helps,
    // but a loop that drops its last output frees the previous step's copy for free.
    RunSpec int8 = RunSpec.parse("{\"model\":\"llama-3-8b\",\"method\":\"qlora\",\"quant\":\"int8\","
        + "\"precision\":\"bf16-true\",\"micro_batch\":2,\"seq_len\":2048,\"gpu\":\"RTX-4090\"}", "x");
    List<FitLadder.Rung> rungs = FitLadder.standard().climb(int8);
    List<String> names = rungs.stream().map(FitLadder.Rung::name).toList();
    int drop = names.indexOf("drop the last step's output and loss before the next forward");
    assertThat(drop).isPositive().isLessThan(names.indexOf("activation checkpointing"));
    assertThat(names).noneMatch(n -> n.startsWith("bitsandbytes"));
    assertThat(rungs.get(drop).spec().setup().loopKeepsLastStep()).isFalse();
    assertThat(rungs.get(drop).prediction().peakBytes(Metric.DEVICE))
        .isLessThan(rungs.get(drop - 1).prediction().peakBytes(Metric.DEVICE));
    // A 4-bit run is told to upgrade instead, which frees both copies; nothing is left to drop.
    RunSpec nf4 = RunSpec.parse("{\"model\":\"llama-3-8b\",\"method\":\"qlora\",\"precision\":\"bf16-true\","
        + "\"micro_batch\":2,\"seq_len\":2048,\"gpu\":\"RTX-4090\"}", "x");
    assertThat(FitLadder.standard().climb(nf4)).extracting(FitLadder.Rung::name)
        .noneMatch(n -> n.startsWith("drop the last step"));
  }

  @Test
  void noAppliedRungRaisesThePeakOfTheRungAboveIt() {
    RunSpec spec = RunSpec.parse("{\"model\":\"llama-3-8b\",\"precision\":\"fp32\",\"micro_batch\":4,"
        + "\"seq_len\":1024,\"gpu\":\"RTX-4090\"}", "x");
    long above = MemoryPredictor.standard().predict(spec).peakBytes(Metric.DEVICE);
    for (FitLadder.Rung r : FitLadder.standard().climb(spec)) {
      assertThat(r.prediction().peakBytes(Metric.DEVICE)).as(r.name()).isLessThanOrEqualTo(above);
      above = r.prediction().peakBytes(Metric.DEVICE);
    }
  }

  @Test
  void accumulationIsSkippedWhenThePeakIsAtTheOptimizerStep() {
    // Full fine-tuning, 8-bit AdamW, checkpointed: the peak is weights + gradients + states at the
    // step. Micro-batch 1 × 2 halves activations the step never holds, while the accumulated
    // gradients of micro-step 1 sit beside micro-step 2's activations: the peak would rise.
    RunSpec spec = RunSpec.parse("{\"model\":\"mistral-7b\",\"method\":\"full\",\"precision\":\"bf16-mixed\","
        + "\"optimizer\":\"adamw-8bit\",\"micro_batch\":2,\"seq_len\":4096,\"grad_ckpt\":\"full\","
        + "\"attention\":\"flash\",\"gpus\":1,\"gpu\":\"H100-80GB\"}", "x");
    MemoryPredictor predictor = MemoryPredictor.standard();
    RunSpec accumulated = spec.withSetup(spec.setup().with(b -> b.expandableSegments(true).microBatch(1).gradAccum(2)));
    RunSpec expandable = spec.withSetup(spec.setup().with(b -> b.expandableSegments(true)));
    assertThat(predictor.predict(accumulated).peakBytes(Metric.DEVICE))
        .isGreaterThan(predictor.predict(expandable).peakBytes(Metric.DEVICE));

    FitLadder.Climb climb = FitLadder.standard().climbShowingSkipped(spec);
    assertThat(climb.rungs()).extracting(FitLadder.Rung::name).doesNotContain("micro-batch 1 with gradient accumulation");
    assertThat(climb.skipped()).extracting(FitLadder.Rung::name).containsExactly("micro-batch 1 with gradient accumulation");
    // the rungs after it build on the un-accumulated setup
    assertThat(climb.rungs()).allSatisfy(r -> assertThat(r.spec().setup().microBatch()).isEqualTo(2));
    assertThat(FitLadder.standard().firstFit(spec).orElseThrow().name()).isEqualTo("expandable_segments allocator");
  }

  @Test
  void accumulationIsAppliedWhenActivationsMakeThePeak() {
    RunSpec spec = RunSpec.parse("{\"model\":\"llama-3-8b\",\"method\":\"lora\",\"precision\":\"bf16-true\","
        + "\"micro_batch\":8,\"seq_len\":4096,\"grad_ckpt\":\"full\",\"gpu\":\"RTX-4090\"}", "x");
    FitLadder.Climb climb = FitLadder.standard().climbShowingSkipped(spec);
    FitLadder.Rung batch = climb.rungs().stream().filter(r -> r.name().startsWith("micro-batch")).findFirst().orElseThrow();
    // same tokens per step once the micro-batch shrinks
    assertThat(batch.spec().setup().microBatch() * batch.spec().setup().gradAccum()).isEqualTo(8);
    assertThat(climb.skipped()).extracting(FitLadder.Rung::name).doesNotContain(batch.name());
  }

  @Test
  void checkpointingIsTheAnswerWhenActivationsAreTheProblem() {
    RunSpec spec = RunSpec.parse("{\"model\":\"llama-3-8b\",\"method\":\"lora\",\"precision\":\"bf16-true\","
        + "\"micro_batch\":8,\"seq_len\":4096,\"loss\":\"chunked\",\"gpu\":\"H100-80GB\"}", "x");
    assertThat(MemoryPredictor.standard().predict(spec).verdict(Metric.DEVICE)).isEqualTo(Verdict.OOM);
    FitLadder.Rung first = FitLadder.standard().firstFit(spec).orElseThrow();
    assertThat(first.name()).isIn("expandable_segments allocator", "activation checkpointing");
    assertThat(first.prediction().verdict(Metric.DEVICE)).isEqualTo(Verdict.FITS);
  }

  @Test
  void shardingIsOfferedOnlyWithSeveralGpus() {
    RunSpec one = RunSpec.parse("{\"model\":\"llama-3-70b\",\"gpu\":\"H100-80GB\"}", "x");
    RunSpec eight = RunSpec.parse("{\"model\":\"llama-3-70b\",\"gpus\":8,\"gpu\":\"H100-80GB\"}", "x");
    assertThat(FitLadder.standard().climb(one)).extracting(FitLadder.Rung::name).noneMatch(n -> n.startsWith("shard"));
    assertThat(FitLadder.standard().climb(eight)).extracting(FitLadder.Rung::name).anyMatch(n -> n.startsWith("shard"));
  }
}
