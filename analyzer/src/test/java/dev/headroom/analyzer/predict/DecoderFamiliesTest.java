package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What the newer decoder families add beyond the Llama count, term by term (docs/predictor.md,
 * "Activations"); the per-layer totals are checked against autograd in
 * {@link ActivationCountAgainstAutogradTest}.
 */
class DecoderFamiliesTest {
  private static ActivationModel model(String family, int kvHeads, String extra) {
    RunSpec spec = RunSpec.parse("{\"model\":{\"family\":\"" + family + "\",\"layers\":4,\"hidden\":3072,"
        + "\"heads\":32,\"kv_heads\":" + kvHeads + ",\"intermediate\":8192,\"vocab\":32064},"
        + "\"method\":\"lora\",\"lora_targets\":\"all-linear\",\"lora_dropout\":0,\"precision\":\"bf16-true\","
        + "\"micro_batch\":1,\"seq_len\":1024" + extra + "}", "test");
    return new ActivationModel(spec.model(), spec.setup());
  }

  @Test
  void gemma2SoftCapKeepsOneComputeDtypeCopyOfTheLogitsUnlessTheLossIsFused() {
    // tanh(logits / cap) keeps its output for its backward: 2 bytes per vocabulary entry in bf16.
    for (String loss : new String[] {"standard", "chunked"}) {
      String extra = ",\"loss\":\"" + loss + "\"";
      assertThat(model("gemma2", 32, extra).logitsPerToken() - model("llama", 32, extra).logitsPerToken())
          .as(loss).isEqualTo(2 * 32064);
    }
    assertThat(model("gemma2", 32, ",\"loss\":\"fused\"").logitsPerToken()).isZero();
  }

  @Test
  void phi3KeepsItsFusedQkvOutputOnlyWhereAFusedKernelGetsTheVView() {
    long llama = model("llama", 32, "").perLayerPerToken();
    // MHA under SDPA: V is a view of qkv_proj's output, so the q and k parts (2·(a·d + n_kv·d))
    // stay; three fewer adapters (fused matrices) keep three fewer rank-16 A outputs.
    assertThat(model("phi3", 32, "").perLayerPerToken() - llama).isEqualTo(2 * (3072 + 3072) - 3 * 16 * 2);
    // GQA under SDPA: repeat_kv copies V, the view is not what the kernel saves.
    assertThat(model("llama", 8, "").perLayerPerToken() - model("phi3", 8, "").perLayerPerToken())
        .isEqualTo(3 * 16 * 2);
    // Eager: the batched matmul saves a contiguous copy of V.
    assertThat(model("llama", 32, ",\"attention\":\"eager\"").perLayerPerToken()
        - model("phi3", 32, ",\"attention\":\"eager\"").perLayerPerToken()).isEqualTo(3 * 16 * 2);
  }

  @Test
  void phi3AdaptersWithDropoutCopyEachFusedInputOnce() {
    // PEFT adapts qkv_proj and gate_up_proj whole: one dropped-out copy (bf16 + 1-byte mask) of the
    // attention input and one of the MLP input, where separate projections take three and two.
    String dropout = ",\"lora_dropout\":0.05,\"attention\":\"eager\"";
    long separate = model("llama", 32, dropout).perLayerPerToken();
    long fused = model("phi3", 32, dropout).perLayerPerToken();
    long fewerCopies = (2 + 1) * 3072L * (2 + 1);
    // Fewer A outputs too: four adapters of rank 16 instead of seven.
    long fewerRankOutputs = 3 * 16 * 2;
    assertThat(separate - fused).isEqualTo(fewerCopies + fewerRankOutputs);
  }

  @Test
  void olmo2NormsQAndKOverTheWholeProjectionAndAppliesNormWeightsInFp32() {
    RunSpec olmo = RunSpec.parse("{\"model\":{\"family\":\"olmo2\",\"layers\":16,\"hidden\":2048,\"heads\":16,"
        + "\"intermediate\":8192,\"vocab\":100352},\"method\":\"full\",\"precision\":\"bf16-true\"}", "test");
    RunSpec llama = RunSpec.parse("{\"model\":{\"layers\":16,\"hidden\":2048,\"heads\":16,"
        + "\"intermediate\":8192,\"vocab\":100352},\"method\":\"full\",\"precision\":\"bf16-true\"}", "test");
    // q_norm over 16×128 channels and k_norm over 16×128, per layer.
    assertThat(olmo.model().params() - llama.model().params()).isEqualTo(16L * (2048 + 2048));
    // Trained norms keep a 4-byte product input (two block norms, q and k norms), not a 2-byte one.
    long perLayerDifference = new ActivationModel(olmo.model(), olmo.setup()).perLayerPerToken()
        - new ActivationModel(llama.model(), llama.setup()).perLayerPerToken();
    assertThat(perLayerDifference).isEqualTo(2 * 2 * 2048 + (4 + 4) * (2048 + 2048));
  }

  @Test
  void qkNormsKeepTheirFp32InputsAndSandwichNormsKeepFourBlockInputs() {
    long llama = model("llama", 8, "").perLayerPerToken();
    // Qwen3: q_norm over 32×96 and k_norm over 8×96 channels, fp32 inputs (frozen weights).
    assertThat(model("qwen3", 8, "").perLayerPerToken() - llama).isEqualTo(4 * (3072 + 768));
    // Gemma-3: the same plus two more fp32 norm inputs of width h (after attention, after the MLP).
    assertThat(model("gemma3", 8, "").perLayerPerToken() - llama).isEqualTo(4 * (3072 + 768) + 2 * 4 * 3072);
  }
}
