package dev.headroom.analyzer.predict;

/** The feed-forward block: how many matrices it has and what it keeps for backward. */
public enum MlpKind implements Labeled {
  /** {@code down(silu(gate(x)) * up(x))}: three matrices (Llama, Mistral, Qwen2, Phi-3). */
  SWIGLU("swiglu", 3),
  /** {@code down(gelu(gate(x)) * up(x))}: three matrices (Gemma, T5 v1.1). */
  GEGLU("geglu", 3),
  /** {@code down(gelu(up(x)))}: two matrices (GPT-2, GPT-NeoX, Falcon, Phi-2, BERT). */
  GELU("gelu", 2);

  private final String label;
  private final int matrices;

  MlpKind(String label, int matrices) {
    this.label = label;
    this.matrices = matrices;
  }

  @Override
  public String label() {
    return label;
  }

  public int matrices() {
    return matrices;
  }

  public boolean gated() {
    return matrices == 3;
  }
}
