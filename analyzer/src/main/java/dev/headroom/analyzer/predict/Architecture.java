package dev.headroom.analyzer.predict;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A decoder (or encoder) transformer's sizes, as in a Hugging Face {@code config.json}.
 *
 * @param name display name (preset name or file)
 * @param family block layout details that change counts and saved tensors
 * @param layers transformer blocks (encoder + decoder for T5)
 * @param hidden model width h
 * @param heads query heads a
 * @param kvHeads key/value heads (a for MHA, 1 for MQA, in between for GQA)
 * @param headDim d, {@code hidden / heads} unless the config gives {@code head_dim}
 * @param intermediate MLP width i
 * @param vocab vocabulary V (padded, as the embedding matrix has it)
 * @param tiedEmbeddings the output head reuses the input embedding
 * @param mlp feed-forward kind
 * @param learnedPositions rows of a learned position embedding (GPT-2, BERT), 0 for RoPE/ALiBi
 * @param extraParams parameters outside blocks, embeddings, head and final norm (T5 cross
 *     attention, BERT pooler and classifier, BLOOM's embedding norm)
 * @param declaredParams a published exact count that overrides the computed one, 0 for none
 */
public record Architecture(
    String name,
    Family family,
    int layers,
    long hidden,
    int heads,
    int kvHeads,
    long headDim,
    long intermediate,
    long vocab,
    boolean tiedEmbeddings,
    MlpKind mlp,
    long learnedPositions,
    long extraParams,
    long declaredParams) {

  public Architecture {
    String where = "model " + name;
    positive(where, "layers", layers);
    positive(where, "hidden", hidden);
    positive(where, "heads", heads);
    positive(where, "kv_heads", kvHeads);
    positive(where, "head_dim", headDim);
    positive(where, "intermediate", intermediate);
    positive(where, "vocab", vocab);
    if (heads % kvHeads != 0) {
      throw new SpecException(
          where + ": heads (" + heads + ") must be a multiple of kv_heads (" + kvHeads + ")");
    }
    if (learnedPositions < 0 || extraParams < 0 || declaredParams < 0) {
      throw new SpecException(where + ": parameter counts must not be negative");
    }
  }

  private static void positive(String where, String field, long value) {
    if (value <= 0) {
      throw new SpecException(where + ": " + field + " must be > 0, got " + value);
    }
  }

  /** Width of the concatenated query heads, {@code a·d} (equals h unless head_dim is explicit). */
  public long attentionWidth() {
    return heads * headDim;
  }

  /** Width of the key (or value) projection, {@code n_kv·d}. */
  public long kvWidth() {
    return kvHeads * headDim;
  }

  /**
   * The weight matrices of one block, in forward order. A fused matrix (Phi-3's {@code qkv_proj},
   * {@code gate_up_proj}) is one entry, named by its first part ({@code Q}, {@code GATE}); {@link
   * #targetsOf} gives every part it answers to.
   */
  public List<Linear> blockLinears() {
    List<Linear> linears = new ArrayList<>();
    if (family.fusedProjections()) {
      linears.add(new Linear(LoraTarget.Q, hidden, attentionWidth() + 2 * kvWidth()));
      linears.add(new Linear(LoraTarget.O, attentionWidth(), hidden));
      linears.add(new Linear(LoraTarget.GATE, hidden, 2 * intermediate));
      linears.add(new Linear(LoraTarget.DOWN, intermediate, hidden));
      return linears;
    }
    linears.add(new Linear(LoraTarget.Q, hidden, attentionWidth()));
    linears.add(new Linear(LoraTarget.K, hidden, kvWidth()));
    linears.add(new Linear(LoraTarget.V, hidden, kvWidth()));
    linears.add(new Linear(LoraTarget.O, attentionWidth(), hidden));
    if (mlp.gated()) {
      linears.add(new Linear(LoraTarget.GATE, hidden, intermediate));
    }
    linears.add(new Linear(LoraTarget.UP, hidden, intermediate));
    linears.add(new Linear(LoraTarget.DOWN, intermediate, hidden));
    return linears;
  }

  /** The LoRA target names a block matrix answers to: its role, or every part of a fused matrix. */
  public Set<LoraTarget> targetsOf(Linear l) {
    if (family.fusedProjections() && l.role() == LoraTarget.Q) {
      return EnumSet.of(LoraTarget.Q, LoraTarget.K, LoraTarget.V);
    }
    if (family.fusedProjections() && l.role() == LoraTarget.GATE) {
      return EnumSet.of(LoraTarget.GATE, LoraTarget.UP);
    }
    return EnumSet.of(l.role());
  }

  /**
   * Whether LoRA with these targets adapts the matrix: PEFT adapts a fused matrix as a whole when
   * any of its parts is named (it cannot adapt a slice of one weight).
   */
  public boolean adapts(Set<LoraTarget> targets, Linear l) {
    return !Collections.disjoint(targetsOf(l), targets);
  }

  /** True when the model ends in a vocabulary projection (not a sequence classifier). */
  public boolean hasLmHead() {
    return !family.classifierHead();
  }

  /** The output projection to the vocabulary (shared with the embedding when tied). */
  public Linear lmHead() {
    return new Linear(LoraTarget.LM_HEAD, hidden, vocab);
  }

  /** Parameters of one block: matrices, biases and norms. */
  public long layerParams() {
    long params = 0;
    for (Linear l : blockLinears()) {
      params += l.weightParams();
      if (family.linearBias()) {
        params += l.dOut();
      }
    }
    if (family == Family.QWEN2) {
      params += attentionWidth() + 2 * kvWidth();
    }
    if (family.qkNorm()) {
      // q and k norm weights: over one head (shared by all heads), or over the whole projection
      params += family.qkNormOverWholeWidth() ? attentionWidth() + kvWidth() : 2 * headDim;
    }
    return params + (long) family.normsPerLayer() * hidden * family.normParamsPerChannel();
  }

  public long embeddingParams() {
    return vocab * hidden + learnedPositions * hidden;
  }

  /** Parameters of a separate output head: 0 when tied or for a classifier. */
  public long headParams() {
    if (tiedEmbeddings || !hasLmHead()) {
      return 0;
    }
    return vocab * hidden + (family == Family.PHI ? vocab : 0);
  }

  public long computedParams() {
    return layers * layerParams()
        + embeddingParams()
        + headParams()
        + hidden * family.normParamsPerChannel()
        + extraParams;
  }

  /** The parameter count: the declared one when given, else computed from the sizes. */
  public long params() {
    return declaredParams > 0 ? declaredParams : computedParams();
  }

  /** Same architecture under another name or with a declared count. */
  public Architecture withDeclaredParams(long count) {
    return new Architecture(
        name, family, layers, hidden, heads, kvHeads, headDim, intermediate, vocab,
        tiedEmbeddings, mlp, learnedPositions, extraParams, count);
  }
}
