package dev.headroom.analyzer.predict;

/**
 * The block layout of a transformer family: the details that change parameter counts and what the
 * layer keeps for backward, beyond the sizes in {@link Architecture}.
 */
public enum Family implements Labeled {
  /** Llama, Mistral, Gemma (1), TinyLlama, StableLM-2: RMSNorm (weight only), pre-norm, no biases. */
  LLAMA("llama", false, 2, false, false, false, false),
  /** Qwen2: Llama layout plus biases on q, k and v. */
  QWEN2("qwen2", false, 2, false, false, false, false),
  /** Qwen3: Llama layout plus a per-head RMSNorm on q and on k (HF {@code q_norm}, {@code k_norm}). */
  QWEN3("qwen3", false, 2, false, false, false, false),
  /**
   * Phi-3, Phi-3.5, Phi-4 (HF {@code model_type: phi3}): the Llama layout with q|k|v in one {@code
   * qkv_proj} and gate|up in one {@code gate_up_proj}; q, k and v are slices (views) of the fused
   * output, and PEFT adapts each fused matrix as one.
   */
  PHI3("phi3", false, 2, false, false, false, false),
  /**
   * Gemma-2: four RMSNorms per block (before and after attention, before and after the MLP), each
   * multiplying by {@code 1 + weight} in fp32; soft-capped attention scores (eager only) and final
   * logits ({@code attn_logit_softcapping}, {@code final_logit_softcapping} in every released
   * config).
   */
  GEMMA2("gemma2", false, 4, false, false, false, false),
  /** Gemma-3 (language model): Gemma-2's four-norm block plus per-head q and k RMSNorms, no soft-capping. */
  GEMMA3("gemma3", false, 4, false, false, false, false),
  /**
   * OLMo-2 / OLMo-3: norms after attention and after the MLP instead of before (the projections
   * read the residual stream itself), RMSNorm of q and k over their whole projected width, and
   * the weight multiplied in fp32 ({@code (self.weight * hidden_states).to(input_dtype)}).
   */
  OLMO2("olmo2", false, 2, false, false, false, false),
  /** Falcon-7B/40B: one LayerNorm shared by attention and MLP (parallel residual), no biases. */
  FALCON("falcon", true, 1, true, false, false, false),
  /** GPT-NeoX, Pythia, StableLM-alpha: two LayerNorms on the same input, parallel residual, biases. */
  GPT_NEOX("gpt-neox", true, 2, true, true, false, false),
  /** Phi-1.5 / Phi-2: one shared LayerNorm, parallel residual, biases, lm_head bias. */
  PHI("phi", true, 1, true, true, false, false),
  /** GPT-2: LayerNorm, biases, learned positions, dropout after attention scores and blocks. */
  GPT2("gpt2", true, 2, false, true, true, false),
  /** BLOOM: LayerNorm (also after the embedding), biases, ALiBi, no dropout by default. */
  BLOOM("bloom", true, 2, false, true, false, false),
  /** BERT-style encoder with a sequence-classification head: no vocabulary logits. */
  BERT("bert", true, 2, false, true, true, true),
  /** T5 v1.1 encoder-decoder (layers = encoder + decoder), RMS-style norm, no biases, dropout. */
  T5("t5", false, 2, false, false, true, false);

  private final String label;
  private final boolean normHasBias;
  private final int normsPerLayer;
  private final boolean parallelResidual;
  private final boolean linearBias;
  private final boolean dropout;
  private final boolean classifierHead;

  Family(
      String label,
      boolean normHasBias,
      int normsPerLayer,
      boolean parallelResidual,
      boolean linearBias,
      boolean dropout,
      boolean classifierHead) {
    this.label = label;
    this.normHasBias = normHasBias;
    this.normsPerLayer = normsPerLayer;
    this.parallelResidual = parallelResidual;
    this.linearBias = linearBias;
    this.dropout = dropout;
    this.classifierHead = classifierHead;
  }

  @Override
  public String label() {
    return label;
  }

  /** LayerNorm has weight and bias (2 values per channel); RMSNorm only a weight. */
  public boolean normHasBias() {
    return normHasBias;
  }

  public int normsPerLayer() {
    return normsPerLayer;
  }

  /** Attention and MLP read the same input and are added to the residual together. */
  public boolean parallelResidual() {
    return parallelResidual;
  }

  /** Every linear in the block has a bias. */
  public boolean linearBias() {
    return linearBias;
  }

  /** Dropout is active in training (attention-probability and residual dropout masks are kept). */
  public boolean dropout() {
    return dropout;
  }

  /**
   * Q, K and V come out of one fused projection and V reaches the attention kernel as a view of
   * it (HF {@code GPTNeoXAttention}: {@code value = qkv[..., 2*hd:].permute(...)}), so a fused
   * attention kernel (SDPA, flash), which saves its inputs as given, keeps the whole fused output
   * alive; Q and K are new tensors after RoPE. Phi-3 does the same for MHA (see {@link
   * #fusedProjections}). BLOOM and
   * Falcon copy V on the way ({@code reshape} of a transposed slice, index by list), Llama-style
   * models project V on its own.
   */
  public boolean keepsFusedQkvThroughV() {
    return this == GPT_NEOX;
  }

  /** RMSNorm on the query and key projections before RoPE (Qwen3, Gemma-3 per head; OLMo-2). */
  public boolean qkNorm() {
    return this == QWEN3 || this == GEMMA3 || this == OLMO2;
  }

  /** The q/k norms span the whole projected width (OLMo-2), not one head (Qwen3, Gemma-3). */
  public boolean qkNormOverWholeWidth() {
    return this == OLMO2;
  }

  /**
   * Gemma's RMSNorm multiplies the normalised fp32 tensor by {@code 1 + weight} before casting
   * back ({@code output * (1.0 + self.weight.float())}), OLMo-2's by the weight, so a trained norm
   * weight keeps the fp32 product input, not a compute-dtype one.
   */
  public boolean normWeightInFp32() {
    return this == GEMMA2 || this == GEMMA3 || this == OLMO2;
  }

  /** q|k|v and gate|up are single fused matrices (Phi-3): one adapter, one LoRA dropout each. */
  public boolean fusedProjections() {
    return this == PHI3;
  }

  /** {@code tanh} soft-capping of the final logits and of eager attention scores (Gemma-2). */
  public boolean softcapsLogits() {
    return this == GEMMA2;
  }

  /** The head classifies the sequence: logits are [batch, labels], not [tokens, vocab]. */
  public boolean classifierHead() {
    return classifierHead;
  }

  /** The family's norm parameters per channel. */
  int normParamsPerChannel() {
    return normHasBias ? 2 : 1;
  }
}
