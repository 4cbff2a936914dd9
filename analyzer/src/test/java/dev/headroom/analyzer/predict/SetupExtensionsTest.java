package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The spec keys for setups the first model could not express: tensor parallelism, the optimizer
 * stepping inside backward, a torch optimizer without foreach temporaries, FSDP units that mix
 * frozen and trainable parameters, and accumulation under {@code no_sync()}.
 */
class SetupExtensionsTest {
  private static final MemoryPredictor PREDICTOR = MemoryPredictor.standard();

  private static Prediction predict(String json) {
    return PREDICTOR.predict(RunSpec.parse(json, "test"));
  }

  /** Allocated activation bytes of spec {@code a} less those of spec {@code b}, both at their peaks. */
  private static long activationsMore(String a, String b) {
    return predict(a).breakdown(Metric.ALLOCATED).activationsBytes() - predict(b).breakdown(Metric.ALLOCATED).activationsBytes();
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

  private static final String LITGPT_FSDP_LORA = "{\"model\":\"llama-2-7b\",\"method\":\"lora\",\"lora_rank\":8,"
      + "\"lora_targets\":\"q,v\",\"precision\":\"bf16-true\",\"micro_batch\":4,\"seq_len\":1304,"
      + "\"grad_ckpt\":\"full\",\"loss\":\"chunked\",\"gpus\":2,\"sharding\":\"fsdp-full\",\"gpu\":\"A100-40GB\"";

  @Test
  void mixedFsdpUnitsGiveEveryFrozenBlockWeightAShardedGradient() {
    Prediction separate = predict(LITGPT_FSDP_LORA + "}");
    Prediction mixed = predict(LITGPT_FSDP_LORA + ",\"fsdp_mixed_units\":true}");
    RunSpec spec = RunSpec.parse(LITGPT_FSDP_LORA + "}", "t");
    Architecture a = spec.model();
    long blockWeightBytes = a.layers() * a.layerParams() * 2;
    long adapters = mixed.trainableParams();
    // After backward every GPU holds its half of a gradient as large as the block weights.
    Breakdown step = mixed.breakdown(Metric.ALLOCATED);
    assertThat(separate.peakPhase()).isNotEqualTo("optimizer-step");
    assertThat(mixed.peakPhase()).isEqualTo("optimizer-step");
    assertThat(mixed.peakBytes(Metric.ALLOCATED)).isGreaterThan(separate.peakBytes(Metric.ALLOCATED));
    assertThat(step.gradientsBytes()).isBetween(blockWeightBytes / 2, blockWeightBytes / 2 + adapters * 2);
    // Without adapters (full fine-tuning) every weight trains anyway: the key changes nothing.
    String full = LITGPT_FSDP_LORA.replace("\"method\":\"lora\"", "\"method\":\"full\"");
    assertThat(predict(full + ",\"fsdp_mixed_units\":true}").peakBytes(Metric.ALLOCATED))
        .isEqualTo(predict(full + "}").peakBytes(Metric.ALLOCATED));
  }

  @Test
  void noSyncAccumulationKeepsTheWholeGradientUnshardedUnderFsdp() {
    // litgpt's resource table, Llama-2-7B LoRA on 2 x A100 with micro-batch 4 of 128: 23.39 GB
    // (21.78 GiB) measured; the gradient of every block weight is held unsharded (12.6 GiB).
    String litgpt = LITGPT_FSDP_LORA + ",\"grad_accum\":32,\"fsdp_mixed_units\":true";
    Prediction sharded = predict(litgpt + "}");
    Prediction noSync = predict(litgpt + ",\"accumulate_no_sync\":true}");
    RunSpec spec = RunSpec.parse(litgpt + "}", "t");
    long blockWeightBytes = spec.model().layers() * spec.model().layerParams() * 2;
    assertThat(noSync.breakdown(Metric.ALLOCATED).gradientsBytes()).isGreaterThanOrEqualTo(blockWeightBytes);
    assertThat(sharded.breakdown(Metric.ALLOCATED).gradientsBytes()).isLessThan(blockWeightBytes);
    assertThat(noSync.peakBytes(Metric.ALLOCATED) / (double) (1L << 30)).isBetween(21.78 * 0.9, 21.78 * 1.1);
    // DDP holds every gradient anyway, and without accumulation there is nothing to keep.
    String ddp = litgpt.replace("fsdp-full", "ddp");
    assertThat(predict(ddp + ",\"accumulate_no_sync\":true}").peakBytes(Metric.ALLOCATED))
        .isEqualTo(predict(ddp + "}").peakBytes(Metric.ALLOCATED));
    String once = litgpt.replace("\"grad_accum\":32", "\"grad_accum\":1");
    assertThat(predict(once + ",\"accumulate_no_sync\":true}").peakBytes(Metric.ALLOCATED))
        .isEqualTo(predict(once + "}").peakBytes(Metric.ALLOCATED));
  }

  @Test
  void theFsdpKeysRoundTripAndReadFromCasesColumns() {
    RunSpec s = RunSpec.parse(LITGPT_FSDP_LORA + ",\"fsdp_mixed_units\":true,\"accumulate_no_sync\":true}", "spec");
    assertThat(s.setup().fsdpMixedUnits()).isTrue();
    assertThat(s.setup().accumulateNoSync()).isTrue();
    assertThat(RunSpec.parse(s.toJson().toString(), "again")).isEqualTo(s);
    String header = String.join(",", CasesFile.REQUIRED) + ",grad_accum,fsdp_mixed_units,accumulate_no_sync,peak_gib";
    String csv = header + "\n"
        + "m,llama-2-7b,,,,,,,,,,,lora,8,q;v,none,bf16-true,adamw,4,1304,full,2,fsdp-full,none,sdpa,chunked,allocated,32,true,true,21.78\n"
        + "bad,llama-2-7b,,,,,,,,,,,lora,8,q;v,none,bf16-true,adamw,4,1304,full,2,fsdp-full,none,sdpa,chunked,allocated,32,yes please,,21.78\n";
    List<PredictionCase> cases = CasesFile.parse(csv, "cases.csv");
    TrainingSetup m = ((PredictionCase.Valid) cases.get(0)).spec().setup();
    assertThat(m.fsdpMixedUnits()).isTrue();
    assertThat(m.accumulateNoSync()).isTrue();
    assertThat(((PredictionCase.Invalid) cases.get(1)).column()).isEqualTo("fsdp_mixed_units");
  }

  @Test
  void aLoopThatKeepsTheModelOutputHoldsItsFp32LogitsThroughTheLoss() {
    String base = "{\"model\":\"llama-3-8b\",\"method\":\"lora\",\"precision\":\"bf16-true\","
        + "\"micro_batch\":2,\"seq_len\":4096,\"grad_ckpt\":\"full\",\"loss\":\"standard\"";
    Prediction released = predict(base + "}");
    Prediction kept = predict(base + ",\"loop_keeps_output\":true}");
    long tokens = 2L * 4096;
    long vocab = 128_256;
    assertThat(released.peakPhase()).isEqualTo("loss");
    // Three fp32 vocabulary-wide tensors, and a fourth (the logits in the output) when kept.
    assertThat(released.breakdown(Metric.ALLOCATED).logitsBytes()).isEqualTo(12 * vocab * tokens);
    assertThat(kept.breakdown(Metric.ALLOCATED).logitsBytes()).isEqualTo(16 * vocab * tokens);
    // A fused loss materialises no logits, kept or not.
    String fused = base.replace("\"standard\"", "\"fused\"");
    assertThat(predict(fused + ",\"loop_keeps_output\":true}").peakBytes(Metric.ALLOCATED))
        .isEqualTo(predict(fused + "}").peakBytes(Metric.ALLOCATED));
    RunSpec spec = RunSpec.parse(base + ",\"loop_keeps_output\":true}", "t");
    assertThat(RunSpec.parse(spec.toJson().toString(), "again").setup().loopKeepsOutput()).isTrue();
    // The kept output is still there while backward runs through the layers (fsdp_qlora's loop
    // sets output = None only after the step): 4·V B/token at the backward moment too.
    String offloaded = "{\"model\":\"llama-2-70b\",\"method\":\"qlora\",\"quant\":\"nf4-dq\",\"lora_rank\":64,"
        + "\"precision\":\"bf16-true\",\"micro_batch\":2,\"seq_len\":2048,\"grad_ckpt\":\"full\",\"gpus\":2,"
        + "\"sharding\":\"fsdp-full\",\"offload\":\"params-optimizer\",\"loss\":\"standard\"";
    Prediction atBackward = predict(offloaded + "}");
    Prediction keptAtBackward = predict(offloaded + ",\"loop_keeps_output\":true}");
    assertThat(atBackward.peakPhase()).isEqualTo("backward");
    assertThat(keptAtBackward.peakPhase()).isEqualTo("backward");
    assertThat(atBackward.breakdown(Metric.ALLOCATED).logitsBytes()).isZero();
    assertThat(keptAtBackward.breakdown(Metric.ALLOCATED).logitsBytes()).isEqualTo(4L * 32_000 * 2 * 2048);
  }

  @Test
  void aQuantisedMatmulThatKeepsItsInputHoldsEveryFrozenLinearsInputPerLayer() {
    // bitsandbytes < 0.43.2 MatMul4Bit kept A on ctx; 0.43.2 (PR #1270) and torchao's NF4 keep none.
    String base = "{\"model\":\"llama-2-7b\",\"method\":\"qlora\",\"lora_targets\":\"q,v\","
        + "\"precision\":\"bf16-true\",\"micro_batch\":1,\"seq_len\":2048,\"attention\":\"sdpa\","
        + "\"loop_keeps_last_step\":false";
    Prediction kept = predict(base + "}");
    Prediction dropped = predict(base + ",\"quant_keeps_input\":false}");
    assertThat(kept.peakPhase()).isEqualTo(dropped.peakPhase());
    long h = 4096;
    long intermediate = 11_008;
    long tokens = 2048;
    // Per layer, the inputs no other op keeps once the weights are frozen and the adapters drop out:
    // the attention input, o_proj's (a copy of SDPA's transposed output), the MLP input, down's.
    long perLayerPerToken = 2 * (h + h + h + intermediate);
    assertThat(activationsMore(base + "}", base + ",\"quant_keeps_input\":false}"))
        .isEqualTo(32 * tokens * perLayerPerToken);
    // Without quantisation the key describes nothing, and predict says so.
    RunSpec plain = RunSpec.parse("{\"model\":\"llama-2-7b\",\"method\":\"lora\",\"quant_keeps_input\":false}", "t");
    assertThat(plain.setup().inertSettings()).anySatisfy(n -> assertThat(n).contains("quant_keeps_input"));
    assertThat(PREDICTOR.predict(plain).peakBytes(Metric.ALLOCATED))
        .isEqualTo(predict("{\"model\":\"llama-2-7b\",\"method\":\"lora\"}").peakBytes(Metric.ALLOCATED));
    RunSpec spec = RunSpec.parse(base + ",\"quant_keeps_input\":false}", "t");
    assertThat(RunSpec.parse(spec.toJson().toString(), "again").setup().quantKeepsInput()).isFalse();
    assertThat(RunSpec.parse(base + "}", "t").setup().quantKeepsInput()).isTrue();
  }

  @Test
  void thePreviousStepsGraphHoldsItsQuantisedInputsThroughTheNextForward() {
    // A loop that rebinds `logits = model(...)` keeps the last step's graph until the new forward
    // returns; backward freed its saved tensors but not MatMul4Bit's ctx.tensors (bnb < 0.43.2).
    String base = "{\"model\":\"llama-2-7b\",\"method\":\"qlora\",\"lora_targets\":\"q,v\","
        + "\"precision\":\"bf16-true\",\"micro_batch\":2,\"seq_len\":512,\"attention\":\"sdpa\","
        + "\"loss\":\"chunked\"";
    Prediction held = predict(base + "}");
    long h = 4096;
    long intermediate = 11_008;
    long tokens = 2 * 512;
    // Each layer's q/k/v input, o input, MLP input and down input, in bf16, for the previous step.
    long previousStep = 32 * tokens * 2 * (h + h + h + intermediate);
    assertThat(held.peakPhase()).isEqualTo("loss");
    assertThat(activationsMore(base + "}", base + ",\"loop_keeps_last_step\":false}")).isEqualTo(previousStep);
    // Falcon's one norm feeds attention and MLP: one input fewer per layer.
    String falcon = base.replace("llama-2-7b", "falcon-7b");
    long falconHidden = 4544;
    long falconPerLayer = 2 * (falconHidden + 71 * 64 + 18_176);
    assertThat(activationsMore(falcon + "}", falcon + ",\"loop_keeps_last_step\":false}"))
        .isEqualTo(32 * tokens * falconPerLayer);
    // Nothing of the kind with checkpointed layers, a current bitsandbytes, or plain LoRA.
    for (String other : List.of(base + ",\"grad_ckpt\":\"full\"", base + ",\"quant_keeps_input\":false",
        base.replace("\"qlora\"", "\"lora\""))) {
      assertThat(predict(other + "}").peakBytes(Metric.ALLOCATED))
          .as(other).isEqualTo(predict(other + ",\"loop_keeps_last_step\":false}").peakBytes(Metric.ALLOCATED));
    }
    RunSpec spec = RunSpec.parse(base + ",\"loop_keeps_last_step\":false}", "t");
    assertThat(RunSpec.parse(spec.toJson().toString(), "again").setup().loopKeepsLastStep()).isFalse();
    assertThat(RunSpec.parse(base + "}", "t").setup().loopKeepsLastStep()).isTrue();
    String header = String.join(",", CasesFile.REQUIRED) + ",loop_keeps_last_step";
    String row = "1,llama-2-7b,,,,,,,,,,,qlora,8,q;v,nf4,bf16-true,adamw,2,512,none,1,none,none,sdpa,chunked,allocated,";
    List<PredictionCase> cases = CasesFile.parse(header + "\n" + row + "false\n", "cases.csv");
    assertThat(((PredictionCase.Valid) cases.get(0)).spec().setup().loopKeepsLastStep()).isFalse();
  }

  @Test
  void sdpaOnItsMathKernelKeepsTheSoftmaxAndTheUnrepeatedKv() {
    // Falcon-7B: 71 query heads of 64, one K/V head. The math kernel keeps the bf16 softmax
    // (a·s per token) and K, V as they arrived; the fused kernels keep repeated K, V, the output
    // and an fp32 log-sum-exp instead.
    String base = "{\"model\":\"falcon-7b\",\"method\":\"lora\",\"lora_targets\":\"q,v\",\"precision\":\"bf16-true\","
        + "\"micro_batch\":1,\"seq_len\":1024,\"attention\":";
    RunSpec fused = RunSpec.parse(base + "\"sdpa\"}", "t");
    RunSpec math = RunSpec.parse(base + "\"sdpa-math\"}", "t");
    long perLayerFused = new ActivationModel(fused.model(), fused.setup()).perLayerPerToken();
    long perLayerMath = new ActivationModel(math.model(), math.setup()).perLayerPerToken();
    long aw = 71 * 64;
    long kv = 64;
    long expected = 2L * 71 * 1024 - 2 * 2 * (aw - kv) - (2 * aw + 4 * 71);
    assertThat(perLayerMath - perLayerFused).isEqualTo(expected);
    assertThat(math.setup().attention().label()).isEqualTo("sdpa-math");
    assertThat(RunSpec.parse(math.toJson().toString(), "again").setup().attention())
        .isEqualTo(TrainingSetup.Attention.SDPA_MATH);
  }

  @Test
  void casesFilesMayDeclareAQuantisedMatmulThatKeepsNoInput() {
    String header = String.join(",", CasesFile.REQUIRED) + ",quant_keeps_input";
    String row = "1,llama-2-7b,,,,,,,,,,,qlora,8,q;v,nf4-dq,bf16-true,adamw,1,2048,"
        + "none,1,none,none,sdpa,standard,allocated,";
    List<PredictionCase> cases = CasesFile.parse(header + "\n" + row + "false\n" + row.replaceFirst("^1,", "2,")
        + "maybe\n", "cases.csv");
    assertThat(((PredictionCase.Valid) cases.get(0)).spec().setup().quantKeepsInput()).isFalse();
    assertThat(((PredictionCase.Invalid) cases.get(1)).column()).isEqualTo("quant_keeps_input");
  }

  /** lit-gpt 8641822 finetune/lora.py defaults: LoRA r8 on q and v, dropout 0.05, bf16-true, chunked loss. */
  private static Prediction litgptLora(String model, int microBatch, int seqLen, String framework) {
    return predict("{\"model\":\"" + model + "\",\"method\":\"lora\",\"lora_rank\":8,\"lora_targets\":\"q,v\","
        + "\"precision\":\"bf16-true\",\"micro_batch\":" + microBatch + ",\"seq_len\":" + seqLen
        + ",\"loss\":\"chunked\",\"gpu\":\"A100-40GB\",\"framework\":\"" + framework + "\"}");
  }

  @Test
  void litgptsCodeReproducesTheSlopesOfItsResourceTable() {
    // litgpt tutorials/resource-tables.md (A100, lit-gpt 8641822): Max GPU RAM at micro-batch 1
    // and 2, one padded sample of the longest length each: the per-token slope of allocated memory.
    record Slope(String model, int seqLen, double gbPerSample) {}
    for (Slope s : List.of(new Slope("llama-2-7b", 1304, 29.07 - 21.30), new Slope("phi-1.5", 1044, 6.76 - 4.82),
        new Slope("stablelm-base-alpha-3b", 1034, 12.10 - 9.69))) {
      double litgpt = (litgptLora(s.model(), 2, s.seqLen(), "litgpt").peakBytes(Metric.ALLOCATED)
          - litgptLora(s.model(), 1, s.seqLen(), "litgpt").peakBytes(Metric.ALLOCATED)) / 1e9;
      double generic = (litgptLora(s.model(), 2, s.seqLen(), "generic").peakBytes(Metric.ALLOCATED)
          - litgptLora(s.model(), 1, s.seqLen(), "generic").peakBytes(Metric.ALLOCATED)) / 1e9;
      assertThat(litgpt).as(s.model()).isCloseTo(s.gbPerSample(), within(0.03 * s.gbPerSample()));
      assertThat(Math.abs(generic - s.gbPerSample())).as(s.model()).isGreaterThan(Math.abs(litgpt - s.gbPerSample()));
    }
  }

  @Test
  void litgptQuantisesTheHeadAndWrapsLoraBlocksWithFsdp() {
    String qlora = "{\"model\":\"llama-2-7b\",\"method\":\"qlora\",\"quant\":\"nf4\",\"precision\":\"bf16-true\","
        + "\"micro_batch\":2,\"seq_len\":512,\"loss\":\"chunked\"";
    Prediction generic = predict(qlora + "}");
    Prediction litgpt = predict(qlora + ",\"framework\":\"litgpt\"}");
    RunSpec spec = RunSpec.parse(qlora + "}", "t");
    long head = spec.model().headParams();
    assertThat(head).isEqualTo(32_000L * 4096); // untied
    // The head is stored in 4 bits (4.5 with nf4's absmax) instead of 16.
    double saved = MemoryPredictor.modelStates(spec.model(), spec.setup()).weightsBytes()
        - MemoryPredictor.modelStates(spec.model(), RunSpec.parse(qlora + ",\"framework\":\"litgpt\"}", "t").setup())
            .weightsBytes();
    assertThat(saved).isCloseTo(head * (2 - 4.5 / 8), within(head * 0.01));
    // ... and dequantised whole for every chunk, the largest transient of the step: Lightning
    // quantised it from fp16, so the fp16 copy and its bf16 conversion are alive together.
    assertThat(litgpt.breakdown(Metric.ALLOCATED).overheadBytes()
        - generic.breakdown(Metric.ALLOCATED).overheadBytes()).isEqualTo((2 + 2) * head - 2 * 11_008L * 4096);
    assertThat(MemoryPredictor.dequantisedBytesPerWeight(RunSpec.parse(qlora + ",\"framework\":\"litgpt\"}", "t")
        .setup())).isEqualTo(4);
    // fp16 compute needs no conversion; the generic path dequantises straight into the compute dtype.
    assertThat(MemoryPredictor.dequantisedBytesPerWeight(RunSpec.parse(
        qlora.replace("bf16-true", "fp16-mixed") + ",\"framework\":\"litgpt\"}", "t").setup())).isEqualTo(2);
    assertThat(MemoryPredictor.dequantisedBytesPerWeight(spec.setup())).isEqualTo(2);
    assertThat(MemoryPredictor.dequantisedBytesPerWeight(RunSpec.parse(
        qlora.replace("bf16-true", "fp32") + ",\"framework\":\"litgpt\"}", "t").setup())).isEqualTo(6);
    // FSDP: litgpt's Block units hold the adapters, and it accumulates under no_backward_sync.
    TrainingSetup fsdp = RunSpec.parse(LITGPT_FSDP_LORA + ",\"grad_accum\":32,\"framework\":\"litgpt\"}", "t").setup();
    assertThat(fsdp.mixedFsdpUnits()).isTrue();
    assertThat(fsdp.noSyncAccumulation()).isTrue();
    assertThat(predict(LITGPT_FSDP_LORA + ",\"grad_accum\":32,\"framework\":\"litgpt\"}").peakBytes(Metric.ALLOCATED))
        .isGreaterThan(predict(LITGPT_FSDP_LORA + ",\"grad_accum\":32}").peakBytes(Metric.ALLOCATED) + (10L << 30));
  }

  @Test
  void fsdpOverSeveralGpusHoldsMoreReservedSlackThanOneStreamDoes() {
    String base = "{\"model\":\"llama-2-7b\",\"micro_batch\":4,\"seq_len\":2048,\"grad_ckpt\":\"full\"";
    PredictorConstants c = PredictorConstants.standard();
    // DeepSpeed stage 3 reduces on a side stream (overlap_comm) even on one GPU.
    for (String setup : List.of(",\"gpus\":8,\"sharding\":\"fsdp-full\"}", ",\"gpus\":8,\"sharding\":\"fsdp-grad-op\"}",
        ",\"gpus\":8,\"sharding\":\"zero3\"}", ",\"gpus\":1,\"sharding\":\"zero3\"}")) {
      Prediction p = predict(base + setup);
      assertThat(p.peakBytes(Metric.RESERVED) - p.peakBytes(Metric.ALLOCATED))
          .as(setup).isEqualTo((long) (p.peakBytes(Metric.ALLOCATED) * c.fragmentationFsdp()));
    }
    // One stream's slack where nothing runs on another stream: one GPU, DDP, FSDP over one GPU.
    for (String setup : List.of("}", ",\"gpus\":8,\"sharding\":\"ddp\"}", ",\"gpus\":1,\"sharding\":\"fsdp-full\"}")) {
      Prediction p = predict(base + setup);
      assertThat(p.peakBytes(Metric.RESERVED) - p.peakBytes(Metric.ALLOCATED))
          .as(setup).isEqualTo((long) (p.peakBytes(Metric.ALLOCATED) * c.fragmentation()));
    }
    Prediction expandable = predict(base + ",\"gpus\":8,\"sharding\":\"fsdp-full\",\"expandable_segments\":true}");
    assertThat(expandable.peakBytes(Metric.RESERVED) - expandable.peakBytes(Metric.ALLOCATED))
        .isEqualTo((long) (expandable.peakBytes(Metric.ALLOCATED) * c.fragmentationExpandable()));
    assertThat(c.fragmentationFsdp()).isGreaterThan(c.fragmentation());
  }

  @Test
  void eagerAttentionsSoftmaxBackwardCanMakeTheBackwardThePeak() {
    String llama = "{\"model\":\"llama-2-7b\",\"method\":\"lora\",\"precision\":\"bf16-true\",\"micro_batch\":4,"
        + "\"seq_len\":2048,\"grad_ckpt\":\"full\",\"attention\":";
    Prediction eager = predict(llama + "\"eager\"}");
    Prediction sdpa = predict(llama + "\"sdpa\"}");
    assertThat(eager.peakPhase()).isEqualTo("backward");
    RunSpec spec = RunSpec.parse(llama + "\"eager\"}", "test");
    // (4 + 2) bytes a score element for HF's fp32 softmax, over 32 heads × 2048 keys, plus the
    // residual stream's gradients: wider than the MLP's 3i + 2h.
    long perToken = new ActivationModel(spec.model(), spec.setup()).backwardWorkingSetPerToken();
    assertThat(perToken).isEqualTo(6L * 32 * 2048 + 2L * 2 * 4096);
    RunSpec sdpaSpec = RunSpec.parse(llama + "\"sdpa\"}", "test");
    assertThat(new ActivationModel(sdpaSpec.model(), sdpaSpec.setup()).backwardWorkingSetPerToken())
        .isEqualTo(2L * (3 * 11008 + 2 * 4096));
    assertThat(eager.peakBytes(Metric.ALLOCATED)).isGreaterThan(sdpa.peakBytes(Metric.ALLOCATED));
  }

  @Test
  void deepSpeedStage3HoldsItsReduceBucketAndFlatGradientPartitionFromTheFirstForward() {
    String base = "{\"model\":\"llama-3-8b\",\"precision\":\"fp16-mixed\",\"micro_batch\":1,\"seq_len\":2048,"
        + "\"grad_ckpt\":\"full\",\"gpus\":8,\"sharding\":";
    Prediction zero3 = predict(base + "\"zero3\"}");
    Prediction fsdp = predict(base + "\"fsdp-full\"}");
    Breakdown z = zero3.breakdown(Metric.ALLOCATED);
    Breakdown f = fsdp.breakdown(Metric.ALLOCATED);
    assertThat(zero3.peakPhase()).isEqualTo(fsdp.peakPhase()).isNotEqualTo("optimizer-step");
    // This GPU's fp16 gradient partition exists at the loss too: 8,030,261,248 × 2 B / 8.
    assertThat(f.gradientsBytes()).isZero();
    assertThat(z.gradientsBytes()).isEqualTo(8_030_261_248L * 2 / 8);
    // And the reduce bucket, reduce_bucket_size = 5e8 fp16 elements.
    assertThat(z.overheadBytes() - f.overheadBytes()).isEqualTo(500_000_000L * 2);
    // With everything offloaded the partition lives in host RAM; the bucket stays on the GPU.
    String off = base.replace("\"gpus\":8", "\"gpus\":8,\"offload\":\"params-optimizer\"");
    Breakdown zOff = predict(off + "\"zero3\"}").breakdown(Metric.ALLOCATED);
    Breakdown fOff = predict(off + "\"fsdp-full\"}").breakdown(Metric.ALLOCATED);
    assertThat(zOff.gradientsBytes()).isZero();
    assertThat(zOff.overheadBytes() - fOff.overheadBytes()).isEqualTo(500_000_000L * 2);
  }

  @Test
  void fp32NormsMakeACheckpointedQloraKeepFp32LayerInputs() {
    String qlora = "{\"model\":\"mistral-7b\",\"method\":\"qlora\",\"lora_targets\":\"all-linear\",\"micro_batch\":4,"
        + "\"seq_len\":4096,\"grad_ckpt\":\"full\",\"attention\":\"flash\",\"quant_keeps_input\":false,\"precision\":";
    RunSpec mixed = RunSpec.parse(qlora + "\"bf16-mixed\"}", "test");
    RunSpec pure = RunSpec.parse(qlora + "\"bf16-true\"}", "test");
    // HF Trainer's autocast over PEFT's kbit preparation by default; bf16-true stacks keep bf16 norms.
    assertThat(mixed.setup().fp32Norms()).isTrue();
    assertThat(pure.setup().fp32Norms()).isFalse();
    // Unsaid, it follows what the setup becomes (a --fit rung); said, it stays.
    assertThat(pure.setup().with(b -> b.precision(TrainingSetup.Precision.BF16_MIXED)).fp32Norms()).isTrue();
    RunSpec saidPure = RunSpec.parse(qlora + "\"bf16-true\",\"fp32_norms\":false}", "test");
    assertThat(saidPure.setup().with(b -> b.precision(TrainingSetup.Precision.BF16_MIXED)).fp32Norms()).isFalse();
    assertThat(new ActivationModel(mixed.model(), mixed.setup()).layerInputPerToken()).isEqualTo(4L * 4096);
    assertThat(new ActivationModel(pure.model(), pure.setup()).layerInputPerToken()).isEqualTo(2L * 4096);
    RunSpec said = RunSpec.parse(qlora + "\"bf16-mixed\",\"fp32_norms\":false}", "test");
    long extra = predict(qlora + "\"bf16-mixed\"}").peakBytes(Metric.ALLOCATED)
        - PREDICTOR.predict(said).peakBytes(Metric.ALLOCATED);
    // Two more bytes an element of every layer's kept input: 32 layers × 4096 × 16,384 tokens.
    assertThat(extra).isEqualTo(2L * 4096 * 32 * 4 * 4096);
    // Without bitsandbytes linears the stream stays 16-bit, and the setting says it is inert.
    RunSpec lora = RunSpec.parse("{\"model\":\"mistral-7b\",\"method\":\"lora\",\"grad_ckpt\":\"full\",\"fp32_norms\":true}", "test");
    assertThat(new ActivationModel(lora.model(), lora.setup()).layerInputPerToken()).isEqualTo(2L * 4096);
    assertThat(lora.setup().inertSettings()).anySatisfy(n -> assertThat(n).startsWith("fp32_norms changes memory only"));
  }

  @Test
  void ligersNormAndActivationKernelsKeepLessThanHfsAndComeWithItsFusedLoss() {
    String llama = "{\"model\":\"llama-3-8b\",\"precision\":\"bf16-true\",\"grad_ckpt\":\"none\",\"loss\":";
    RunSpec fused = RunSpec.parse(llama + "\"fused\"}", "test");
    RunSpec hfKernels = RunSpec.parse(llama + "\"fused\",\"liger_kernels\":false}", "test");
    assertThat(fused.setup().ligerKernels()).isTrue();
    assertThat(RunSpec.parse(llama + "\"standard\"}", "test").setup().ligerKernels()).isFalse();
    long liger = new ActivationModel(fused.model(), fused.setup()).perLayerPerToken();
    long hf = new ActivationModel(hfKernels.model(), hfKernels.setup()).perLayerPerToken();
    // Per layer and token: the activation output (cb·i) and, for each of the two norms whose weight
    // trains, the fp32 copy and the product input (4h + 2h) against the input and an rstd (2h + 4).
    assertThat(hf - liger).isEqualTo(2L * 14336 + 2 * (6L * 4096 - (2L * 4096 + 4)));
    // Liger has no kernels for a LayerNorm block with a plain GeLU MLP: nothing changes there.
    RunSpec falcon = RunSpec.parse("{\"model\":\"falcon-7b\",\"loss\":\"fused\"}", "test");
    RunSpec falconHf = RunSpec.parse("{\"model\":\"falcon-7b\",\"loss\":\"fused\",\"liger_kernels\":false}", "test");
    assertThat(new ActivationModel(falcon.model(), falcon.setup()).perLayerPerToken())
        .isEqualTo(new ActivationModel(falconHf.model(), falconHf.setup()).perLayerPerToken());
  }

  @Test
  void fsdpWithParameterOffloadKeepsTheGradientShardsOnTheGpuUntilBackwardEnds() {
    String base = "{\"model\":\"llama-2-13b\",\"precision\":\"bf16-true\",\"micro_batch\":2,\"seq_len\":8192,"
        + "\"grad_ckpt\":\"full\",\"gpus\":2,\"sharding\":\"fsdp-full\",\"offload\":\"params-optimizer\"";
    Prediction offloaded = predict(base + "}");
    assertThat(offloaded.peakPhase()).isEqualTo("backward");
    Breakdown b = offloaded.breakdown(Metric.ALLOCATED);
    long params = RunSpec.parse(base + "}", "test").model().params();
    // Every bf16 gradient shard of this GPU's half, and no model state otherwise.
    assertThat(b.gradientsBytes()).isEqualTo((long) (params * 2.0 / 2));
    assertThat(b.weightsBytes()).isZero();
    // LoRA's shards are its adapters' only: the kept layer inputs decide that backward instead.
    Prediction lora = predict(base.replace("\"precision\"", "\"method\":\"lora\",\"precision\"") + "}");
    assertThat(lora.breakdown(Metric.ALLOCATED).gradientsBytes()).isZero();
  }

  @Test
  void aLossInTheComputeDtypeHoldsThreeSixteenBitVocabularyTensorsATokenNotTwelveBytes() {
    String llama = "{\"model\":\"llama-3-8b\",\"precision\":\"bf16-true\",\"loss\":";
    RunSpec hf = RunSpec.parse(llama + "\"standard\"}", "test");
    RunSpec own = RunSpec.parse(llama + "\"compute-dtype\"}", "test");
    assertThat(new ActivationModel(hf.model(), hf.setup()).logitsPerToken()).isEqualTo(12L * 128256);
    assertThat(new ActivationModel(own.model(), own.setup()).logitsPerToken()).isEqualTo(3L * 2 * 128256);
    RunSpec kept = RunSpec.parse(llama + "\"compute-dtype\",\"loop_keeps_output\":true}", "test");
    assertThat(new ActivationModel(kept.model(), kept.setup()).logitsHeldThroughBackwardPerToken()).isEqualTo(2L * 128256);
  }
}
