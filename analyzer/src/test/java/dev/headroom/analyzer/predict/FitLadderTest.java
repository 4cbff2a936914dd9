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
        "micro-batch 1 with gradient accumulation", "QLoRA (4-bit NF4 base + LoRA adapters)",
        "offload optimizer to CPU");
    FitLadder.Rung first = FitLadder.standard().firstFit(spec).orElseThrow();
    assertThat(first.name()).startsWith("QLoRA");
    assertThat(first.spec().setup().method()).isEqualTo(Method.QLORA);
    assertThat(first.cost()).contains("quality");
    // same tokens per step once the micro-batch shrinks
    FitLadder.Rung batch = rungs.stream().filter(r -> r.name().startsWith("micro-batch")).findFirst().orElseThrow();
    assertThat(batch.spec().setup().microBatch() * batch.spec().setup().gradAccum()).isEqualTo(4);
    // accumulation keeps gradients alive through the forward, so that rung alone may not help;
    // the ladder as a whole does
    long start = MemoryPredictor.standard().predict(spec).peakBytes(Metric.DEVICE);
    assertThat(rungs.get(rungs.size() - 1).prediction().peakBytes(Metric.DEVICE)).isLessThan(start / 5);
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
