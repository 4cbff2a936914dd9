package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The conventions and figures the seeds fix (issue 3, last paragraph). */
class SeedArithmeticTest {
  private static final MemoryPredictor PREDICTOR = MemoryPredictor.standard();

  private static RunSpec spec(String json) {
    return RunSpec.parse(json, "test");
  }

  @Test
  void bf16MixedAdamWIsSixteenBytesPerParameterOfModelState() {
    RunSpec s = spec("{\"model\":\"llama-3-8b\",\"precision\":\"bf16-mixed\",\"optimizer\":\"adamw\"}");
    var states = MemoryPredictor.modelStates(s.model(), s.setup());
    long p = s.model().params();
    assertThat(states.weightsBytes()).isEqualTo(2.0 * p);
    assertThat(states.gradientsBytes()).isEqualTo(2.0 * p);
    assertThat(states.masterBytes()).isEqualTo(4.0 * p);
    assertThat(states.statesBytes()).isEqualTo(8.0 * p);
    assertThat(states.totalBytes()).isEqualTo(16.0 * p);
  }

  @Test
  void bf16TrueKeepsEverythingInBf16() {
    RunSpec s = spec("{\"model\":\"llama-3-8b\",\"precision\":\"bf16-true\"}");
    var states = MemoryPredictor.modelStates(s.model(), s.setup());
    assertThat(states.totalBytes()).isEqualTo(8.0 * s.model().params());
    assertThat(states.masterBytes()).isZero();
  }

  @Test
  void seventyBillionWeightsAre140GbInBf16() {
    RunSpec s = spec("{\"model\":\"llama-3-70b\",\"precision\":\"bf16-true\"}");
    double gb = MemoryPredictor.modelStates(s.model(), s.setup()).weightsBytes() / 1e9;
    assertThat(gb).isCloseTo(141.1, within(0.1)); // 70.55 B × 2 B: the seeds' "140 GB"
  }

  @Test
  void nf4WithDoubleQuantisationIs4Point127BitsPerQuantisedWeight() {
    assertThat(TrainingSetup.Quant.NF4_DQ.bytesPerWeight() * 8).isCloseTo(4.127, within(0.001));
    assertThat(TrainingSetup.Quant.NF4.bytesPerWeight() * 8).isEqualTo(4.5);
    RunSpec s = spec("{\"model\":\"llama-3-8b\",\"method\":\"qlora\",\"quant\":\"nf4-dq\",\"precision\":\"bf16-true\"}");
    var a = s.model();
    long blocks = MemoryPredictor.blockMatrixParams(a);
    long trainable = MemoryPredictor.trainableParams(a, s.setup());
    double expected = blocks * 4.127 / 8 + (a.params() - blocks - trainable) * 2.0 + trainable * 2.0;
    assertThat(MemoryPredictor.modelStates(a, s.setup()).weightsBytes()).isCloseTo(expected, within(1e6));
  }

  @Test
  void theEightBillionQloraRecipeNeedsAboutSixToEightGb() {
    // Seed 003: Llama 3 8B, NF4 + double quant, LoRA r16 on q,k,v,o, batch 2 × 512,
    // gradient checkpointing, paged AdamW, bf16.
    Prediction p = PREDICTOR.predict(spec("{\"model\":\"llama-3-8b\",\"method\":\"qlora\",\"lora_rank\":16,"
        + "\"lora_targets\":[\"q\",\"k\",\"v\",\"o\"],\"quant\":\"nf4-dq\",\"precision\":\"bf16-true\","
        + "\"optimizer\":\"paged-adamw\",\"micro_batch\":2,\"seq_len\":512,\"grad_ckpt\":\"full\",\"gpu\":\"RTX-4090\"}"));
    assertThat(p.peakBytes(Metric.ALLOCATED) / 1e9).isBetween(6.0, 8.5);
    assertThat(p.verdict(Metric.DEVICE)).isEqualTo(Verdict.FITS);
  }

  @Test
  void llama3EightBillionFullFineTuningDoesNotFit24Gb() {
    Prediction p = PREDICTOR.predict(spec("{\"model\":\"llama-3-8b\",\"micro_batch\":1,\"seq_len\":512,"
        + "\"grad_ckpt\":\"full\",\"gpu\":\"RTX-4090\"}"));
    assertThat(p.verdict(Metric.DEVICE)).isEqualTo(Verdict.OOM);
    assertThat(p.peakBytes(Metric.ALLOCATED)).isGreaterThan(16L * p.params());
  }

  @Test
  void seventyBillionQloraFitsOneEightyGigabyteGpu() {
    Prediction p = PREDICTOR.predict(spec("{\"model\":\"llama-3-70b\",\"method\":\"qlora\",\"lora_rank\":16,"
        + "\"lora_targets\":\"all-linear\",\"precision\":\"bf16-true\",\"optimizer\":\"paged-adamw\","
        + "\"micro_batch\":1,\"seq_len\":2048,\"grad_ckpt\":\"full\",\"gpu\":\"A100-80GB\"}"));
    assertThat(p.verdict(Metric.DEVICE)).isEqualTo(Verdict.FITS);
  }

  @Test
  void seventyBillionFullFineTuningDoesNotFitEightEightyGigabyteGpusEvenSharded() {
    Prediction p = PREDICTOR.predict(spec("{\"model\":\"llama-3-70b\",\"micro_batch\":1,\"seq_len\":4096,"
        + "\"grad_ckpt\":\"full\",\"gpus\":8,\"sharding\":\"fsdp-full\",\"gpu\":\"H100-80GB\"}"));
    assertThat(p.verdict(Metric.DEVICE)).isEqualTo(Verdict.OOM);
    // 16 B/param over 8 GPUs is already 141 GB per GPU before activations.
    assertThat(p.peakBytes(Metric.ALLOCATED)).isGreaterThan(16L * p.params() / 8);
  }

  @Test
  void gptLayerWithEagerAttentionAndDropoutKeepsKorthikantisCount() {
    RunSpec s = spec("{\"model\":\"gpt2\",\"precision\":\"bf16-true\",\"attention\":\"eager\",\"seq_len\":1024}");
    long h = s.model().hidden();
    long a = s.model().heads();
    long seq = s.setup().seqLen();
    // sbh(34 + 5as/h) bytes per layer ⇔ 34h + 5as bytes per token per layer.
    assertThat(new ActivationModel(s.model(), s.setup()).perLayerPerToken()).isEqualTo(34 * h + 5 * a * seq);
  }

  @Test
  void checkpointingKeepsLayerInputsPlusOneLayerBeingRecomputed() {
    String base = "{\"model\":\"gpt2\",\"precision\":\"bf16-true\",\"attention\":\"eager\",\"seq_len\":1024,"
        + "\"micro_batch\":32,\"loss\":\"fused\",\"gpu\":\"80GiB\"";
    RunSpec none = spec(base + "}");
    RunSpec full = spec(base + ",\"grad_ckpt\":\"full\"}");
    Prediction p = PREDICTOR.predict(full);
    var act = new ActivationModel(full.model(), full.setup());
    long tokens = 32 * 1024;
    long layerInputs = full.model().layers() * 2 * full.model().hidden() * tokens;
    long oneLayer = act.perLayerPerToken() * tokens;
    assertThat(p.peakPhase()).isEqualTo("backward");
    assertThat(p.breakdown(Metric.ALLOCATED).activationsBytes())
        .isEqualTo(layerInputs + act.otherPerToken() * tokens + oneLayer + act.backwardWorkingSetPerToken() * tokens);
    assertThat(p.peakBytes(Metric.ALLOCATED)).isLessThan(PREDICTOR.predict(none).peakBytes(Metric.ALLOCATED));
  }

  @Test
  void theThreeMetricsNestAllocatedUnderReservedUnderDevice() {
    Prediction p = PREDICTOR.predict(spec("{\"model\":\"mistral-7b\",\"method\":\"lora\",\"micro_batch\":4}"));
    assertThat(p.peakBytes(Metric.ALLOCATED)).isLessThan(p.peakBytes(Metric.RESERVED));
    assertThat(p.peakBytes(Metric.RESERVED) + PREDICTOR.constants().cudaContextBytes())
        .isEqualTo(p.peakBytes(Metric.DEVICE));
    for (Metric m : Metric.values()) {
      Breakdown b = p.breakdown(m);
      assertThat(b.totalBytes()).isEqualTo(p.peakBytes(m));
    }
  }

  @Test
  void offloadMovesStatesToHostRam() {
    String base = "{\"model\":\"llama-3-8b\",\"grad_ckpt\":\"full\",\"gpu\":\"A100-80GB\"";
    Prediction on = PREDICTOR.predict(spec(base + ",\"offload\":\"optimizer\"}"));
    Prediction off = PREDICTOR.predict(spec(base + "}"));
    assertThat(off.hostBytes()).isZero();
    long p = on.params();
    // gradients (2 B) + fp32 master (4 B) + two fp32 states (8 B) per parameter leave the GPU.
    assertThat(on.hostBytes()).isEqualTo(14L * p);
    assertThat(on.peakBytes(Metric.DEVICE)).isLessThan(off.peakBytes(Metric.DEVICE) / 3);
  }

  @Test
  void pagedOptimizerStatesAreInvisibleToTorchButResidentOnTheDevice() {
    String base = "{\"model\":\"llama-2-7b\",\"precision\":\"bf16-true\",\"grad_ckpt\":\"full\",\"seq_len\":512,\"gpu\":\"H200\"";
    Prediction paged = PREDICTOR.predict(spec(base + ",\"optimizer\":\"paged-adamw\"}"));
    long states = 8L * paged.params();
    assertThat(paged.breakdown(Metric.ALLOCATED).optimizerBytes()).isZero();
    assertThat(paged.breakdown(Metric.DEVICE).optimizerBytes()).isEqualTo(states);
    assertThat(paged.hostBytes()).isZero();
  }

  @Test
  void aFusedQkvWhoseVIsAViewKeepsTheWholeProjectionOutput() {
    // The same sizes as a GPT-NeoX (StableLM-alpha) layer, laid out once as GPT-NeoX (V a view of
    // the fused q|k|v output) and once as Phi (same norms and residual, V copied on its way).
    String sizes = "\"layers\":16,\"hidden\":4096,\"heads\":32,\"intermediate\":16384,\"vocab\":50688,\"mlp\":\"gelu\"";
    String setup = ",\"method\":\"lora\",\"precision\":\"bf16-true\",\"seq_len\":1024}";
    RunSpec neox = RunSpec.parse("{\"model\":{" + sizes + ",\"family\":\"gpt-neox\"}" + setup, "neox");
    RunSpec phi = RunSpec.parse("{\"model\":{" + sizes + ",\"family\":\"phi\"}" + setup, "phi");
    long neoxLayer = new ActivationModel(neox.model(), neox.setup()).perLayerPerToken();
    long phiLayer = new ActivationModel(phi.model(), phi.setup()).perLayerPerToken();
    // GPT-NeoX has two norms on the same input (kept once) where Phi has one: the same kept set
    // but for the q and k parts of the fused output, 2 × 4096 bf16 values per token.
    assertThat(neoxLayer - phiLayer).isEqualTo(2L * (4096 + 4096));
  }
}
