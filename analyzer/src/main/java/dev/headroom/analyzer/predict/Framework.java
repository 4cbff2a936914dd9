package dev.headroom.analyzer.predict;

/**
 * Whose model and training code runs. The generic count follows HF transformers and PEFT (separate
 * q/k/v projections, a dropout per adapted matrix, the model output released before backward) and
 * matches torchtune and torchtitan as closely; {@link #LITGPT} adds what litgpt's code keeps
 * beyond it, each established by an exact saved-tensor count of litgpt's model and LoRA code
 * (docs/predictor.md, "litgpt").
 */
public enum Framework implements Labeled {
  GENERIC("generic"),
  /**
   * Lightning-AI/litgpt (lit-gpt): q, k and v in one fused {@code attn} linear, so for MHA V is a
   * view that keeps the whole fused output; LoRA on part of it pads the delta with {@code
   * index_copy}, which saves it; one dropout for the fused matrix; Fabric returns the model output
   * in fp32 (chunked logits and log-softmax in fp32); bitsandbytes precision quantises every linear,
   * the head included, from fp16, so a bf16 matmul dequantises to fp16 and converts; FSDP wraps each Block with its LoRA matrices inside and accumulates under
   * {@code no_backward_sync}.
   */
  LITGPT("litgpt");

  private final String label;

  Framework(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }
}
