package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The spec keys for setups the first model could not express: tensor parallelism, the optimizer
 * stepping inside backward, and a torch optimizer without foreach temporaries.
 */
class SetupExtensionsTest {
  private static final MemoryPredictor PREDICTOR = MemoryPredictor.standard();

  private static Prediction predict(String json) {
    return PREDICTOR.predict(RunSpec.parse(json, "test"));
  }

  @Test
  void tensorParallelismSplitsModelStatesAndActivationsOfTheSameWorldSize() {
    String base = "{\"model\":\"llama-3-70b\",\"precision\":\"bf16-mixed\",\"micro_batch\":1,\"seq_len\":8192,"
        + "\"grad_ckpt\":\"none\",\"gpus\":64,\"sharding\":\"fsdp-full\"";
    Prediction fsdpOnly = predict(base + "}");
    Prediction twoD = predict(base + ",\"tensor_parallel\":8}");
    Breakdown one = fsdpOnly.breakdown(Metric.ALLOCATED);
    Breakdown two = twoD.breakdown(Metric.ALLOCATED);
    assertThat(fsdpOnly.peakPhase()).isEqualTo("loss");
    assertThat(twoD.peakPhase()).isEqualTo("loss");
    // FSDP over 64 vs FSDP over 8 of an 8-way split: the same share of the model states.
    assertThat(two.weightsBytes()).isCloseTo(one.weightsBytes(), within(one.weightsBytes() / 1000));
    // Sequence parallelism divides the activations of a micro-batch by t.
    assertThat(two.activationsBytes() * 8).isCloseTo(one.activationsBytes(), within(one.activationsBytes() / 1000));
  }

  @Test
  void tensorParallelMustDivideTheWorldSize() {
    assertThatThrownBy(() -> RunSpec.parse("{\"model\":\"llama-3-8b\",\"gpus\":12,\"tensor_parallel\":8}", "spec.json"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("spec.json")
        .hasMessageContaining("tensor_parallel (8) must divide gpus (12)");
  }

  @Test
  void optimizerInBackwardDropsTheFullGradientBuffer() {
    String base = "{\"model\":\"llama-2-7b\",\"precision\":\"bf16-true\",\"optimizer\":\"paged-adamw\","
        + "\"micro_batch\":2,\"seq_len\":512,\"grad_ckpt\":\"full\",\"gpu\":\"RTX-4090\"";
    Prediction plain = predict(base + "}");
    Prediction inBackward = predict(base + ",\"optimizer_in_backward\":true}");
    long gradients = (long) MemoryPredictor.modelStates(RunSpec.parse(base + "}", "t").model(),
        RunSpec.parse(base + "}", "t").setup()).gradientsBytes();
    assertThat(plain.peakPhase()).isEqualTo("optimizer-step");
    assertThat(plain.breakdown(Metric.ALLOCATED).gradientsBytes()).isEqualTo(gradients);
    // Only the largest single gradient (the head's V·h) is ever alive.
    long headGradient = 32_000L * 4096 * 2;
    assertThat(inBackward.breakdown(Metric.ALLOCATED).gradientsBytes()).isEqualTo(headGradient);
    assertThat(inBackward.peakPhase()).isNotEqualTo("optimizer-step");
    assertThat(plain.peakBytes(Metric.ALLOCATED) - inBackward.peakBytes(Metric.ALLOCATED))
        .isGreaterThan(gradients / 2);
  }

  @Test
  void optimizerInBackwardCannotAccumulate() {
    assertThatThrownBy(() -> RunSpec.parse(
        "{\"model\":\"llama-2-7b\",\"optimizer_in_backward\":true,\"grad_accum\":4}", "run r-1"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("run r-1")
        .hasMessageContaining("grad_accum must be 1, got 4");
  }

  @Test
  void theLadderClimbsPastRungsThatCannotCombineWithAnInBackwardStep() {
    RunSpec spec = RunSpec.parse("{\"model\":\"llama-3-70b\",\"precision\":\"bf16-true\","
        + "\"micro_batch\":4,\"seq_len\":4096,\"optimizer_in_backward\":true,\"gpu\":\"RTX-4090\"}", "t");
    List<FitLadder.Rung> rungs = FitLadder.standard().climb(spec);
    assertThat(rungs).isNotEmpty();
    // No rung accumulates gradients while stepping in backward, and offload switches it off.
    assertThat(rungs).allSatisfy(r -> assertThat(
        r.spec().setup().optimizerInBackward() && r.spec().setup().gradAccum() > 1).isFalse());
    assertThat(rungs.get(rungs.size() - 1).spec().setup().optimizerInBackward()).isFalse();
  }

  @Test
  void foreachOffRemovesTheStepTemporaryOfOneParameterCopy() {
    String base = "{\"model\":\"llama-2-7b\",\"precision\":\"bf16-true\",\"micro_batch\":1,\"seq_len\":1304";
    Prediction foreach = predict(base + "}");
    Prediction loop = predict(base + ",\"optimizer_foreach\":false}");
    long params = foreach.params();
    assertThat(foreach.peakPhase()).isEqualTo("optimizer-step");
    assertThat(foreach.breakdown(Metric.ALLOCATED).optimizerBytes()
        - loop.breakdown(Metric.ALLOCATED).optimizerBytes()).isEqualTo(params * 2);
  }

  @Test
  void theNewKeysRoundTripThroughJson() {
    RunSpec s = RunSpec.parse("{\"model\":\"llama-3-8b\",\"gpus\":16,\"sharding\":\"fsdp-full\","
        + "\"tensor_parallel\":4,\"optimizer_in_backward\":true,\"optimizer_foreach\":false}", "spec");
    assertThat(s.setup().tensorParallel()).isEqualTo(4);
    assertThat(s.setup().dataParallel()).isEqualTo(4);
    assertThat(RunSpec.parse(s.toJson().toString(), "again")).isEqualTo(s);
  }

  @Test
  void casesFilesMayCarryTheNewSetupColumns() {
    String header = String.join(",", CasesFile.REQUIRED) + ",tensor_parallel,optimizer_in_backward,optimizer_foreach,grad_accum,peak_gib";
    String csv = header + "\n"
        + "t,llama-3-8b,,,,,,,,,,,full,,,none,bf16-mixed,adamw,1,8192,full,64,fsdp-full,none,sdpa,standard,reserved,8,,,,60\n"
        + "o,llama-2-7b,,,,,,,,,,,full,,,none,bf16-true,paged-adamw,2,512,full,1,none,none,sdpa,standard,reserved,,true,,,14\n"
        + "f,llama-2-7b,,,,,,,,,,,full,,,none,bf16-true,adamw,1,1304,none,1,none,none,sdpa,standard,allocated,,,false,,50\n"
        + "g,llama-2-7b,,,,,,,,,,,full,,,none,bf16-true,adamw,1,1304,none,1,none,none,sdpa,standard,allocated,,,,4,50\n"
        + "bad,llama-2-7b,,,,,,,,,,,full,,,none,bf16-true,adamw,1,1304,none,1,none,none,sdpa,standard,allocated,,maybe,,,50\n";
    List<PredictionCase> cases = CasesFile.parse(csv, "cases.csv");
    assertThat(((PredictionCase.Valid) cases.get(0)).spec().setup().tensorParallel()).isEqualTo(8);
    assertThat(((PredictionCase.Valid) cases.get(1)).spec().setup().optimizerInBackward()).isTrue();
    assertThat(((PredictionCase.Valid) cases.get(2)).spec().setup().optimizerForeach()).isFalse();
    assertThat(((PredictionCase.Valid) cases.get(3)).spec().setup().gradAccum()).isEqualTo(4);
    PredictionCase.Invalid bad = (PredictionCase.Invalid) cases.get(4);
    assertThat(bad.column()).isEqualTo("optimizer_in_backward");
    assertThat(bad.message()).contains("maybe");
  }
}
