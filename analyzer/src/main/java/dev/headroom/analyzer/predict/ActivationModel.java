package dev.headroom.analyzer.predict;

import dev.headroom.analyzer.predict.TrainingSetup.Attention;
import dev.headroom.analyzer.predict.TrainingSetup.Loss;
import java.util.Set;

/**
 * Bytes saved for backward per token, per layer: Korthikanti et al.'s count ({@code sbh(34 +
 * 5as/h)} for a GPT layer with eager attention and dropout) generalised to GQA, gated MLPs,
 * parallel residuals, flash attention and frozen weights (a frozen linear keeps no input: autograd
 * only saves what the weight gradient needs). See docs/predictor.md §Activations.
 */
final class ActivationModel {
  private final Architecture a;
  private final TrainingSetup s;
  /** Bytes of one activation element (2 for 16-bit compute, 4 for fp32). */
  private final long cb;

  ActivationModel(Architecture a, TrainingSetup s) {
    this.a = a;
    this.s = s;
    this.cb = s.precision().computeBytes();
  }

  private boolean baseTrainable() {
    return !s.adapters();
  }

  private boolean adapted(LoraTarget t) {
    return s.adapters() && s.loraTargets().contains(t);
  }

  private boolean loraDropout() {
    return s.loraDropout() > 0;
  }

  /**
   * A linear input tensor of width {@code width} shared by {@code members}: kept once when a
   * member's weight needs it (trainable base, or an adapter without dropout), plus a dropped-out
   * copy and its 1-byte mask per adapter with dropout.
   */
  private long linearInput(long width, Set<LoraTarget> members, boolean alreadyKept) {
    long copies = 0;
    for (LoraTarget t : members) {
      if (adapted(t) && loraDropout()) {
        copies += (cb + 1) * width;
      }
    }
    // litgpt's q, k and v are one fused linear with one LoRA layer, and Phi-3's q|k|v and gate|up
    // are fused matrices that PEFT adapts whole: one dropped-out copy at most per fused matrix.
    boolean fused = a.family().fusedProjections() && members.size() > 1
        || litgpt() && members.contains(LoraTarget.Q);
    if (fused) {
      copies = Math.min(copies, (cb + 1) * width);
    }
    return (keepsShared(members) && !alreadyKept ? cb * width : 0) + copies;
  }

  /** Frozen quantised linears keep their inputs (bitsandbytes before 0.43.2, its 8-bit matmul). */
  private boolean quantKeepsInput() {
    return s.quant() != TrainingSetup.Quant.NONE && s.quantKeepsInput();
  }

  private boolean litgpt() {
    return s.framework() == Framework.LITGPT;
  }

  /**
   * litgpt's {@code LoRAQKVLinear.zero_pad}: when LoRA adapts part of the fused q|k|v matrix, the
   * delta is padded to the full width with {@code index_copy}, whose backward formula
   * ({@code grad.index_select(dim, index).expand_as(source)}) saves the source: the delta itself.
   */
  private long zeroPadDelta() {
    if (!litgpt() || !s.adapters()) {
      return 0;
    }
    long width = 0;
    int adaptedParts = 0;
    for (LoraTarget t : Set.of(LoraTarget.Q, LoraTarget.K, LoraTarget.V)) {
      if (adapted(t)) {
        adaptedParts++;
        width += t == LoraTarget.Q ? a.attentionWidth() : a.kvWidth();
      }
    }
    return adaptedParts == 0 || adaptedParts == 3 ? 0 : cb * width;
  }

  /**
   * V reaches the kernel as a view of the fused q|k|v output, so saving it keeps all of that
   * output: GPT-NeoX in HF, and every MHA model in litgpt (its reshape of the permuted split is a
   * view unless GQA/MQA first expands K and V, which copies).
   */
  private boolean vKeepsFusedQkv() {
    // Only a fused kernel saves its inputs as given. Eager attention's (and SDPA's math kernel's)
    // `weights @ V` is a batched matmul, which reshapes the transposed view into a contiguous copy
    // and saves that: the fused output is then freed (autograd count, --layout phi3 --eager).
    if (s.attention() != Attention.SDPA && s.attention() != Attention.FLASH) {
      return false;
    }
    // Phi-3 slices V out of qkv_proj's output; repeat_kv returns it unchanged for MHA, and
    // flash-attn takes grouped heads unrepeated, so the view reaches the kernel in both cases.
    boolean unrepeated = a.kvHeads() == a.heads() || s.attention() == Attention.FLASH;
    return a.family().keepsFusedQkvThroughV()
        || (a.family().fusedProjections() && unrepeated)
        || (litgpt() && a.kvHeads() == a.heads());
  }

  /** Whether some member's weight gradient needs the shared (undropped) input tensor itself. */
  private boolean keepsShared(Set<LoraTarget> members) {
    // A bitsandbytes 4/8-bit linear before 0.43.2 keeps its input whenever the input needs a
    // gradient (MatMul4Bit.forward: ctx.tensors = (A, B)), although the weight is frozen.
    if (baseTrainable() || quantKeepsInput()) {
      return true;
    }
    for (LoraTarget t : members) {
      if (adapted(t) && !loraDropout()) {
        return true;
      }
    }
    return false;
  }

  /** Bytes per token per layer kept by a layer that is not checkpointed, at sequence length s. */
  long perLayerPerToken() {
    long h = a.hidden();
    long i = a.intermediate();
    long aw = a.attentionWidth();
    long kvw = a.kvWidth();
    long heads = a.heads();
    long seq = s.seqLen();
    Family f = a.family();
    boolean sharedNorm = f.parallelResidual() && f.normsPerLayer() == 1;

    long bytes = 0;
    // Norm inputs: one per norm of a sequential block (two; Gemma-2/3's four also normalise the
    // attention and MLP outputs; OLMo-2's two normalise only those outputs, and its projections
    // read the residual stream, counted as the linear inputs below), one for a parallel block
    // (its norms read the same input).
    bytes += (f.parallelResidual() ? 1 : f.normsPerLayer()) * normKeeps();
    bytes += linearInput(h, Set.of(LoraTarget.Q, LoraTarget.K, LoraTarget.V), false);
    // Q (after RoPE), K and V, kept by the attention kernel. SDPA and eager attention get K and
    // V repeated to every query head first (HF repeat_kv, litgpt expand: SDPA had no GQA before
    // torch 2.5), so they keep the repeated copies; flash-attn reads the grouped heads directly.
    bytes += cb * (aw + 2 * keptKvWidth());
    bytes += qkNormKeeps();
    if (vKeepsFusedQkv()) {
      bytes += cb * (aw + kvw); // V is a view of the fused q|k|v output: the q and k parts stay too
    }
    bytes += zeroPadDelta();
    if (s.attention() == Attention.EAGER) {
      if (f.dropout()) {
        bytes += (cb + 1 + cb) * heads * seq; // softmax output, dropout mask, dropout output
      } else {
        bytes += (cb == 2 ? 4 + 2 : 4) * heads * seq; // fp32 softmax kept, its 16-bit copy for ·V
      }
      if (f.softcapsLogits()) {
        bytes += cb * heads * seq; // Gemma-2 eager: tanh(scores / cap) keeps its output
      }
      bytes += linearInput(aw, Set.of(LoraTarget.O), false);
    } else if (s.attention() == Attention.SDPA_MATH) {
      // The math kernel's softmax output (saved by softmax and by the ·V matmul), in the compute
      // dtype, and its dropout mask and output where the family drops out; no log-sum-exp.
      bytes += cb * heads * seq + (f.dropout() ? (1 + cb) * heads * seq : 0);
      bytes += linearInput(aw, Set.of(LoraTarget.O), false);
    } else {
      bytes += cb * aw + 4 * heads; // attention output and fp32 log-sum-exp, kept by the kernel
      // SDPA's output is [b, heads, s, d]: o_proj reads a transposed contiguous copy of it;
      // flash-attn's [b, s, heads, d] output is reshaped in place and shared.
      bytes += linearInput(aw, Set.of(LoraTarget.O), s.attention() == Attention.FLASH);
    }
    if (f.dropout()) {
      bytes += 2 * h; // residual dropout masks after attention and after the MLP
    }
    boolean attentionInputKept = keepsShared(Set.of(LoraTarget.Q, LoraTarget.K, LoraTarget.V));
    Set<LoraTarget> mlpIn = a.mlp().gated() ? Set.of(LoraTarget.GATE, LoraTarget.UP) : Set.of(LoraTarget.UP);
    bytes += linearInput(h, mlpIn, sharedNorm && attentionInputKept);
    if (a.mlp().gated()) {
      // gate output (activation input), activation output and up output (product inputs); Liger's
      // fused activation keeps the gate and up outputs only and recomputes the activation.
      bytes += (liger() ? 2 : 3) * cb * i;
    } else {
      bytes += cb * i; // up output (GeLU input)
    }
    bytes += linearInput(i, Set.of(LoraTarget.DOWN), false);
    bytes += loraRankBytes();
    return bytes;
  }

  /**
   * What one norm keeps per channel. LayerNorm (torch's fused kernel) keeps its input; the
   * RMSNorms of HF, litgpt and torchtune upcast to fp32 inside autograd, so they keep the fp32
   * copy, plus the normalised tensor before the weight multiply when the weight trains.
   */
  private long normKeeps() {
    long h = a.hidden();
    if (a.family().normHasBias()) {
      return cb * h;
    }
    return normKeeps(h);
  }

  /** An RMSNorm over {@code width} channels: its fp32 input, and the product input when the weight trains. */
  private long normKeeps(long width) {
    if (liger()) {
      return cb * width + 4; // Liger's RMSNorm: the 16-bit input and one fp32 rstd a row
    }
    long product = a.family().normWeightInFp32() ? 4 : cb;
    return Math.max(4, cb) * width + (baseTrainable() ? product * width : 0);
  }

  /**
   * Qwen3 / Gemma-3 normalise q and k per head before RoPE ({@code q_norm(q_proj(x).view(...))}),
   * OLMo-2 over the whole projection: the norms keep their fp32 inputs (and products, when
   * trained), the same bytes either way; the projection outputs themselves are then not kept.
   */
  private long qkNormKeeps() {
    return a.family().qkNorm() ? normKeeps(a.attentionWidth() + a.kvWidth()) : 0;
  }

  /** The adapters' A outputs, kept for B's weight gradient. */
  private long loraRankBytes() {
    if (!s.adapters()) {
      return 0;
    }
    long n = 0;
    for (Linear l : a.blockLinears()) {
      if (a.adapts(s.loraTargets(), l)) {
        n++;
      }
    }
    return n * s.loraRank() * cb;
  }

  /**
   * The K and V width the attention kernel keeps: flash-attn reads grouped heads directly, and
   * SDPA's math kernel runs because K and V reached it unrepeated; SDPA's fused kernels and eager
   * attention get them repeated to every query head.
   */
  private long keptKvWidth() {
    return s.attention() == Attention.FLASH || s.attention() == Attention.SDPA_MATH ? a.kvWidth() : a.attentionWidth();
  }

  /**
   * Per token and layer, what the previous step's graph still holds while the next forward runs
   * ({@code loop_keeps_last_step}): the distinct inputs of the layer's frozen quantised matmuls,
   * which bitsandbytes before 0.43.2 stores as a context attribute ({@code ctx.tensors = (A, B)})
   * that backward does not release (it frees saved tensors only; the context lives as long as the
   * graph). Those are the q/k/v input, the o input, the MLP input (the q/k/v one again when one
   * norm feeds both, as in Falcon and Phi) and the down input; all in the compute dtype. A
   * checkpointed layer runs its forward without a graph (reentrant checkpointing) and its
   * recomputation's graph is dropped inside backward, so nothing of it outlives the step.
   */
  long previousStepQuantInputsPerToken() {
    if (!quantKeepsInput() || !s.loopKeepsLastStep() || s.checkpointing() != TrainingSetup.Checkpointing.NONE) {
      return 0;
    }
    Family f = a.family();
    boolean sharedNorm = f.parallelResidual() && f.normsPerLayer() == 1;
    return cb * (a.hidden() + a.attentionWidth() + (sharedNorm ? 0 : a.hidden()) + a.intermediate());
  }

  /** The same, outside the blocks: a quantised head's input (litgpt quantises the head too). */
  long previousStepQuantHeadInputPerToken() {
    if (!quantKeepsInput() || !s.loopKeepsLastStep() || !MemoryPredictor.quantisesHead(a, s)) {
      return 0;
    }
    return cb * a.hidden();
  }

  /** Whether the previous step's graph holds anything through this forward (either term above). */
  boolean previousStepHoldsInputs() {
    return previousStepQuantInputsPerToken() > 0 || previousStepQuantHeadInputPerToken() > 0;
  }

  /** Checkpointed layer: its input only (the residual stream). */
  long layerInputPerToken() {
    return residualBytes() * a.hidden();
  }

  /** Liger's norm and activation kernels, where they apply: RMSNorm blocks with a gated MLP. */
  private boolean liger() {
    return s.ligerKernels() && !a.family().normHasBias() && a.mlp().gated();
  }

  /** Bytes of a residual-stream element: fp32 where fp32 norms feed bitsandbytes linears. */
  private long residualBytes() {
    return s.fp32Norms() && s.quant() != TrainingSetup.Quant.NONE ? Math.max(4, cb) : cb;
  }

  /**
   * Op-level selective checkpointing (PyTorch's selective policy as torchtitan applies it): keeps
   * the layer input, the q/k/v projection outputs, the attention output and log-sum-exp, and every
   * second matmul output of the MLP; recomputes norms, RoPE, head repeats, activations and the s×s
   * scores.
   */
  long selectivePerToken() {
    long h = a.hidden();
    long i = a.intermediate();
    long mlpMatmulOutputs = a.mlp().gated() ? cb * (2 * i + h) : cb * (i + h);
    return residualBytes() * h
        + cb * (a.attentionWidth() + 2 * a.kvWidth())
        + cb * a.attentionWidth() + 4L * a.heads()
        + mlpMatmulOutputs / 2;
  }

  /**
   * Outside the blocks: the final norm's input, the head's input when the head trains, and the
   * embedding dropout mask (Korthikanti §4 "other activation memory").
   */
  long otherPerToken() {
    long h = a.hidden();
    boolean headTrains = a.hasLmHead() && (baseTrainable() || adapted(LoraTarget.LM_HEAD));
    // A quantised head (litgpt) is a bitsandbytes matmul, which keeps its input although frozen.
    boolean headKeepsInput = headTrains || (MemoryPredictor.quantisesHead(a, s) && s.quantKeepsInput());
    return cb * h + (headKeepsInput ? cb * h : 0) + (a.family().dropout() ? h : 0);
  }

  /**
   * Activation gradients alive at once while one block runs backward, with the residual stream's:
   * the widest of its MLP's gradients, or, where the attention materialises its s×s scores
   * (eager, SDPA's math kernel), the score gradients at the softmax. An fp32 softmax (HF eager:
   * {@code softmax(..., dtype=float32).to(dtype)}) has the 16-bit probability gradient upcast to
   * fp32 and then the fp32 gradient and the 16-bit input gradient {@code _softmax_backward_data}
   * writes, (4 + cb)·a·s either way; a softmax in the compute dtype has its gradient in and out,
   * 2·cb·a·s. Measured on CPU (torch 1.13, a Llama eager attention core, peak RSS during backward
   * over RSS after the forward): 6.1 B a score element at s = 2048 and 3072, (4 + 2) predicted.
   */
  long backwardWorkingSetPerToken() {
    long h = a.hidden();
    long i = a.intermediate();
    long mlp = a.mlp().gated() ? cb * (3 * i + 2 * h) : cb * (2 * i + 2 * h);
    long scores = a.heads() * s.seqLen();
    long softmax = switch (s.attention()) {
      case EAGER -> a.family().dropout() || cb == 4 ? 2 * cb * scores : (4 + cb) * scores;
      case SDPA_MATH -> 2 * cb * scores;
      case SDPA, FLASH -> 0;
    };
    return Math.max(mlp, softmax + 2 * cb * h);
  }

  /**
   * Logits and cross-entropy at the loss, per token (§1.4). Standard = three fp32 vocabulary-wide
   * tensors, whichever moment wins: at the end of the forward the fp32 logits, their shifted
   * contiguous copy and the log-softmax output (HF {@code LlamaForCausalLM}: {@code
   * logits.float()}, {@code logits[..., :-1, :].contiguous()}, {@code CrossEntropyLoss}); at the
   * start of backward the saved log-softmax output, the loss gradient and the log-softmax input
   * gradient. The compute-dtype logits are not among them: nothing references them once upcast.
   * HF Trainer's {@code compute_loss}, torchtune ({@code del logits}) and current torchtitan
   * ({@code del pred}; its first loop, March 2024, kept it) release the model output before
   * backward; a loop that keeps it (e.g. {@code output =
   * model(...)} then {@code output.loss.backward()}) holds the fp32 logits, 4·V more
   * ({@code loop_keeps_output}).
   * Chunked =
   * logits still referenced, the per-chunk log-softmax outputs, and every chunk's logit gradient
   * (the loss's backward runs for all chunks before the head's), all in the compute dtype;
   * fused = none materialised.
   */
  long logitsPerToken() {
    if (!a.hasLmHead()) {
      return 0;
    }
    long v = a.vocab();
    // Gemma-2 soft-caps the logits (cap · tanh(logits / cap)) in the compute dtype before the
    // loss: tanh keeps its output until the head's backward, through both ends of the loss. A
    // fused loss kernel (Liger) applies the cap inside.
    long softcap = a.family().softcapsLogits() ? cb * v : 0;
    return switch (s.loss()) {
      case STANDARD -> 12 * v + (s.loopKeepsOutput() ? 4 * v : 0) + softcap;
      // Lightning Fabric converts the model output to the default dtype (fp32): litgpt's chunks
      // and their log-softmax are fp32, then the chunks and their gradients.
      case CHUNKED -> (litgpt() ? 2 * 4 * v : 3 * cb * v) + softcap;
      case FUSED -> 0;
      case COMPUTE_DTYPE -> 3 * cb * v + (s.loopKeepsOutput() ? cb * v : 0) + softcap;
    };
  }

  /**
   * Per token, the logits the loop still references while backward runs past the loss: the fp32
   * logits of a kept model output ({@code loop_keeps_output}), or litgpt's list of fp32 logit
   * chunks, which its loop holds in {@code logits} until the next forward. Loops that release the
   * output before backward (HF Trainer, torchtune's {@code del logits}) hold none.
   */
  long logitsHeldThroughBackwardPerToken() {
    if (!a.hasLmHead()) {
      return 0;
    }
    return switch (s.loss()) {
      case STANDARD -> s.loopKeepsOutput() ? 4 * a.vocab() : 0;
      case CHUNKED -> litgpt() ? 4 * a.vocab() : 0;
      case FUSED -> 0;
      case COMPUTE_DTYPE -> s.loopKeepsOutput() ? cb * a.vocab() : 0;
    };
  }

  /** A one-line account of the stash, for the human table. */
  String describe() {
    long tokens = s.tokensPerMicroBatch();
    String layer = switch (s.checkpointing()) {
      case NONE -> perLayerPerToken() + " B/token/layer kept (" + (s.attention() == Attention.EAGER
          || s.attention() == Attention.SDPA_MATH
          ? "incl. s×s scores" : "flash/SDPA, no s² term") + ")";
      case FULL -> layerInputPerToken() + " B/token/layer input kept + one layer recomputed ("
          + perLayerPerToken() + " B/token)";
      case SELECTIVE -> selectivePerToken() + " B/token/layer kept (selective: attention + half the MLP matmuls)";
    };
    String loss = s.loss() == Loss.FUSED || !a.hasLmHead() ? "no logits" : logitsPerToken() + " B/token logits+loss";
    long previous = previousStepQuantInputsPerToken();
    String held = previous == 0 ? "" : "; + " + previous + " B/token/layer of the previous step's 4-bit inputs,"
        + " held by its graph through this forward (loop_keeps_last_step)";
    return layer + " × " + a.layers() + " layers × " + tokens + " tokens; " + loss + held;
  }
}
