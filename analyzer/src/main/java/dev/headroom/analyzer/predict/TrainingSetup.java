package dev.headroom.analyzer.predict;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * How a model is trained: everything of a run spec except the model and the GPU.
 *
 * @param loraDropout probability; above 0 each adapted matrix keeps its own dropped-out input
 * @param gradAccum gradient-accumulation steps; above 1 the gradients live through the forward
 * @param gpus world size: every GPU of the run (data-parallel × tensor-parallel)
 * @param expandableSegments {@code PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True}
 * @param tensorParallel Megatron-style tensor-parallel degree t (with sequence parallelism): each
 *     block matrix, the embedding and the head are split t ways; {@code gpus / t} is the
 *     data-parallel (sharding) degree
 * @param optimizerInBackward the optimizer steps each parameter inside backward as soon as its
 *     gradient is ready and frees that gradient (torchtune {@code optimizer_in_bwd}): no full
 *     gradient buffer and no separate optimizer-step moment
 * @param optimizerForeach torch's default multi-tensor ({@code foreach}) AdamW/SGD, whose step
 *     allocates about one more copy of the parameters; false for {@code foreach=False} or
 *     {@code fused=True}
 * @param fsdpMixedUnits FSDP units hold frozen and trainable parameters in one flat parameter
 *     (FSDP1 {@code use_orig_params=True} with a per-block wrap policy and adapters inside the
 *     block, as litgpt's LoRA recipes wrap): every parameter of such a unit gets a gradient, the
 *     frozen ones included (PyTorch FSDP docs, "the gradient memory usage will be higher than
 *     expected (namely, equivalent to not freezing those parameters)")
 * @param accumulateNoSync accumulation micro-steps run under {@code no_sync()} (Lightning
 *     Fabric's {@code no_backward_sync}, accelerate's {@code accumulate()}): FSDP then keeps every
 *     gradient unsharded until the synchronising micro-step (PyTorch FSDP {@code no_sync} docs)
 * @param loopKeepsOutput the training loop still references the model output while backward runs
 *     ({@code output = model(...)}, then {@code output.loss.backward()}), so its fp32 logits stay
 *     alive beside the loss's backward buffers (meta-llama/llama-recipes PR #41 measured the fix)
 * @param loopKeepsLastStep the training loop still references the previous step's output or loss
 *     while the next step's forward runs, so that step's autograd graph is still alive: a plain
 *     loop that rebinds {@code logits = model(...)} or {@code outputs = model(...)} each step
 *     (litgpt's {@code finetune/lora.py}: {@code logits} lives until the next forward returns),
 *     not one that drops them before the next forward (HF Trainer's {@code training_step} returns
 *     a detached loss, torchtune does {@code del logits}, fsdp_qlora sets {@code output = None}).
 *     Backward frees saved tensors but not what an autograd function stored on its context, so
 *     that graph still holds every {@code ctx.tensors} input of a {@code quantKeepsInput} matmul
 *     that ran outside a checkpointed layer
 * @param quantKeepsInput a 4-bit or 8-bit matmul keeps its input for backward although its weight is
 *     frozen: bitsandbytes before 0.43.2 stored it on the autograd context ({@code MatMul4Bit}:
 *     {@code ctx.tensors = (A, B)}, removed by bitsandbytes PR #1270, July 2024) and its 8-bit
 *     {@code MatMul8bitLt} still does; false for bitsandbytes 4-bit from 0.43.2 on and for
 *     torchao's NF4 ({@code LinearNF4} saves only the weight), which torchtune uses
 * @param fp32NormsSaid whether the norm weights are fp32, or null where the spec did not say
 *     ({@link #fp32Norms()} then derives it from the method and precision). They are fp32 in a
 *     16-bit model when PEFT's
 *     {@code prepare_model_for_kbit_training} casts every non-quantised parameter to fp32, TRL's
 *     SFTTrainer calls it for a 4-bit model and then keeps the norms fp32, as the QLoRA reference
 *     script does. An fp32 norm weight promotes its output to fp32, a bitsandbytes linear returns
 *     its input's dtype ({@code out.to(inp_dtype)}), so from the first MLP on the residual stream,
 *     and with it every checkpointed layer input, is fp32. Matters with {@code quant} only: a plain
 *     {@code nn.Linear} under autocast returns 16 bits and the stream stays 16-bit
 * @param ligerKernelsSaid whether Liger's kernels run, or null where the spec did not say
 *     ({@link #ligerKernels()} then derives it from the loss). Liger-Kernel's RMSNorm and
 *     SwiGLU/GeGLU kernels replace HF's (its
 *     {@code apply_liger_kernel_to_*}, HF's {@code use_liger_kernel}): the norm keeps its 16-bit
 *     input and an fp32 rstd a row ({@code save_for_backward(X, W, RSTD)}), not the fp32 copy, and
 *     the gated activation keeps the gate and up outputs only ({@code save_for_backward(a, b)}),
 *     recomputing the activation in backward. Llama-style blocks (RMSNorm, gated MLP) only
 * @param framework whose model and training code runs: {@link Framework#LITGPT} adds what litgpt's
 *     implementation keeps beyond the generic count (see {@link Framework})
 */
public record TrainingSetup(
    Method method,
    int loraRank,
    Set<LoraTarget> loraTargets,
    double loraDropout,
    Quant quant,
    Precision precision,
    Optimizer optimizer,
    int microBatch,
    int seqLen,
    Checkpointing checkpointing,
    Attention attention,
    Loss loss,
    int gradAccum,
    int gpus,
    Sharding sharding,
    Offload offload,
    boolean expandableSegments,
    int tensorParallel,
    boolean optimizerInBackward,
    boolean optimizerForeach,
    boolean fsdpMixedUnits,
    boolean accumulateNoSync,
    boolean loopKeepsOutput,
    boolean loopKeepsLastStep,
    boolean quantKeepsInput,
    Boolean fp32NormsSaid,
    Boolean ligerKernelsSaid,
    Framework framework) {

  public TrainingSetup {
    framework = framework == null ? Framework.GENERIC : framework;
    loraTargets = loraTargets.isEmpty() ? EnumSet.noneOf(LoraTarget.class) : EnumSet.copyOf(loraTargets);
    requirePositive("lora_rank", loraRank);
    requirePositive("micro_batch", microBatch);
    requirePositive("seq_len", seqLen);
    requirePositive("grad_accum", gradAccum);
    requirePositive("gpus", gpus);
    requirePositive("tensor_parallel", tensorParallel);
    if (gpus % tensorParallel != 0) {
      throw new SpecException("tensor_parallel (" + tensorParallel + ") must divide gpus (" + gpus
          + "): gpus counts every GPU, data-parallel × tensor-parallel");
    }
    if (optimizerInBackward && gradAccum > 1) {
      throw new SpecException("optimizer_in_backward steps during backward and cannot accumulate"
          + " gradients: grad_accum must be 1, got " + gradAccum);
    }
    if (optimizerInBackward && offload != Offload.NONE) {
      throw new SpecException("optimizer_in_backward runs the step on the GPU: offload must be none, got "
          + offload.label());
    }
    if (loraDropout < 0 || loraDropout >= 1 || Double.isNaN(loraDropout)) {
      throw new SpecException("lora_dropout must be in [0, 1), got " + loraDropout);
    }
    if (method == Method.QLORA && quant == Quant.NONE) {
      throw new SpecException("method qlora needs a 4-bit or 8-bit quant (nf4, nf4-dq or int8), got none");
    }
    if (method == Method.FULL && quant != Quant.NONE) {
      throw new SpecException("quant " + quant.label() + " freezes the base weights: use method lora/qlora, not full");
    }
  }

  private static void requirePositive(String field, long value) {
    if (value <= 0) {
      throw new SpecException(field + " must be > 0, got " + value);
    }
  }

  /** The defaults of docs/predictor.md: full bf16-mixed AdamW fine-tuning, 1 × 2048 tokens, 1 GPU. */
  public static TrainingSetup defaults() {
    return new Builder().build();
  }

  /** A builder holding this setup's values, to change a few of them (validated again on build). */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** This setup with what {@code change} sets on a copy of its values, e.g. {@code s.with(b -> b.loss(FUSED))}. */
  public TrainingSetup with(UnaryOperator<Builder> change) {
    return change.apply(toBuilder()).build();
  }

  /**
   * Whether the norm weights are fp32: as said, else a mixed-precision QLoRA's, which is HF
   * Trainer's autocast over PEFT's kbit preparation, keeping them fp32 (torchtune, litgpt and
   * fsdp_qlora train QLoRA in bf16-true). Derived on every read, so a setup changed to QLoRA or
   * to mixed precision (the {@code --fit} rungs) gets the default of what it became.
   */
  public boolean fp32Norms() {
    return fp32NormsSaid != null ? fp32NormsSaid : method == Method.QLORA && precision.fp32Master();
  }

  /**
   * Whether Liger's norm and activation kernels run: as said, else with a fused loss, which is
   * most often Liger's: {@code use_liger_kernel} / {@code apply_liger_kernel_to_*} swap in the
   * norm, activation and RoPE kernels with it by default (Cut Cross-Entropy alone does not).
   */
  public boolean ligerKernels() {
    return ligerKernelsSaid != null ? ligerKernelsSaid : loss == Loss.FUSED;
  }

  /** GPUs that hold replicas or shards of the same tensor-parallel slice: {@code gpus / t}. */
  public int dataParallel() {
    return gpus / tensorParallel;
  }

  public long tokensPerMicroBatch() {
    return (long) microBatch * seqLen;
  }

  /** FSDP units mix frozen and trainable parameters: said so, or litgpt's Block wrapping of LoRA. */
  public boolean mixedFsdpUnits() {
    return fsdpMixedUnits || (framework == Framework.LITGPT && adapters());
  }

  /** Accumulation runs under no_sync(): said so, or litgpt's {@code no_backward_sync}. */
  public boolean noSyncAccumulation() {
    return accumulateNoSync || framework == Framework.LITGPT;
  }

  public boolean adapters() {
    return method != Method.FULL;
  }

  /**
   * Settings of this setup that change nothing, each as a sentence for the user: they usually mean
   * the spec says something other than what was meant (ZeRO-3 on one GPU, no_sync without
   * accumulation).
   */
  public java.util.List<String> inertSettings() {
    java.util.List<String> notes = new java.util.ArrayList<>();
    if (sharding != Sharding.NONE && sharding != Sharding.DDP && dataParallel() == 1) {
      notes.add("sharding " + sharding.label() + " over one data-parallel GPU shards nothing; set gpus to the"
          + " run's world size");
    }
    boolean fsdp = sharding == Sharding.FSDP_FULL || sharding == Sharding.FSDP_GRAD_OP;
    if (fsdpMixedUnits && (!fsdp || !adapters())) {
      notes.add("fsdp_mixed_units applies to adapters (lora/qlora) under fsdp-full or fsdp-grad-op only;"
          + " ignored here");
    }
    if (accumulateNoSync && (!fsdp || gradAccum == 1)) {
      notes.add("accumulate_no_sync changes memory only with grad_accum > 1 under fsdp-full or fsdp-grad-op;"
          + " ignored here");
    }
    if (!quantKeepsInput && quant == Quant.NONE) {
      notes.add("quant_keeps_input false describes a quantised matmul, and quant is none; ignored here");
    }
    if (Boolean.TRUE.equals(fp32NormsSaid) && quant == Quant.NONE) {
      notes.add("fp32_norms changes memory only with a quantised (bitsandbytes) model: a 16-bit linear under"
          + " autocast returns 16 bits, so the residual stream stays 16-bit; ignored here");
    }
    return notes;
  }

  /**
   * The setup's values, one setter each, starting from {@link #defaults()}: every extension at its
   * default (no tensor parallelism, the step after backward with foreach temporaries, FSDP units and
   * accumulation as most frameworks arrange them, the output released before backward, the previous
   * step's loss still referenced while the next forward runs, as in a plain loop, a quantised matmul
   * that keeps its input, the larger and the published measurements' bitsandbytes, generic code).
   */
  public static final class Builder {
    private Method method = Method.FULL;
    private int loraRank = 16;
    private Set<LoraTarget> loraTargets = EnumSet.of(LoraTarget.Q, LoraTarget.V);
    private double loraDropout = 0.05;
    private Quant quant = Quant.NONE;
    private Precision precision = Precision.BF16_MIXED;
    private Optimizer optimizer = Optimizer.ADAMW;
    private int microBatch = 1;
    private int seqLen = 2048;
    private Checkpointing checkpointing = Checkpointing.NONE;
    private Attention attention = Attention.SDPA;
    private Loss loss = Loss.STANDARD;
    private int gradAccum = 1;
    private int gpus = 1;
    private Sharding sharding = Sharding.NONE;
    private Offload offload = Offload.NONE;
    private boolean expandableSegments;
    private int tensorParallel = 1;
    private boolean optimizerInBackward;
    private boolean optimizerForeach = true;
    private boolean fsdpMixedUnits;
    private boolean accumulateNoSync;
    private boolean loopKeepsOutput;
    private boolean loopKeepsLastStep = true;
    private boolean quantKeepsInput = true;
    private Boolean fp32Norms;
    private Boolean ligerKernels;
    private Framework framework = Framework.GENERIC;

    public Builder() {
    }

    private Builder(TrainingSetup s) {
      method = s.method;
      loraRank = s.loraRank;
      loraTargets = s.loraTargets;
      loraDropout = s.loraDropout;
      quant = s.quant;
      precision = s.precision;
      optimizer = s.optimizer;
      microBatch = s.microBatch;
      seqLen = s.seqLen;
      checkpointing = s.checkpointing;
      attention = s.attention;
      loss = s.loss;
      gradAccum = s.gradAccum;
      gpus = s.gpus;
      sharding = s.sharding;
      offload = s.offload;
      expandableSegments = s.expandableSegments;
      tensorParallel = s.tensorParallel;
      optimizerInBackward = s.optimizerInBackward;
      optimizerForeach = s.optimizerForeach;
      fsdpMixedUnits = s.fsdpMixedUnits;
      accumulateNoSync = s.accumulateNoSync;
      loopKeepsOutput = s.loopKeepsOutput;
      loopKeepsLastStep = s.loopKeepsLastStep;
      quantKeepsInput = s.quantKeepsInput;
      fp32Norms = s.fp32NormsSaid;
      ligerKernels = s.ligerKernelsSaid;
      framework = s.framework;
    }

    public Builder method(Method v) { method = v; return this; }
    public Builder loraRank(int v) { loraRank = v; return this; }
    public Builder loraTargets(Set<LoraTarget> v) { loraTargets = v; return this; }
    public Builder loraDropout(double v) { loraDropout = v; return this; }
    public Builder quant(Quant v) { quant = v; return this; }
    public Builder precision(Precision v) { precision = v; return this; }
    public Builder optimizer(Optimizer v) { optimizer = v; return this; }
    public Builder microBatch(int v) { microBatch = v; return this; }
    public Builder seqLen(int v) { seqLen = v; return this; }
    public Builder checkpointing(Checkpointing v) { checkpointing = v; return this; }
    public Builder attention(Attention v) { attention = v; return this; }
    public Builder loss(Loss v) { loss = v; return this; }
    public Builder gradAccum(int v) { gradAccum = v; return this; }
    public Builder gpus(int v) { gpus = v; return this; }
    public Builder sharding(Sharding v) { sharding = v; return this; }
    public Builder offload(Offload v) { offload = v; return this; }
    public Builder expandableSegments(boolean v) { expandableSegments = v; return this; }
    public Builder tensorParallel(int v) { tensorParallel = v; return this; }
    public Builder optimizerInBackward(boolean v) { optimizerInBackward = v; return this; }
    public Builder optimizerForeach(boolean v) { optimizerForeach = v; return this; }
    public Builder fsdpMixedUnits(boolean v) { fsdpMixedUnits = v; return this; }
    public Builder accumulateNoSync(boolean v) { accumulateNoSync = v; return this; }
    public Builder loopKeepsOutput(boolean v) { loopKeepsOutput = v; return this; }
    public Builder loopKeepsLastStep(boolean v) { loopKeepsLastStep = v; return this; }
    public Builder quantKeepsInput(boolean v) { quantKeepsInput = v; return this; }
    /** Said or not ({@code null}: derived from the method and precision). */
    public Builder fp32Norms(Boolean v) { fp32Norms = v; return this; }
    /** Said or not ({@code null}: derived from the loss). */
    public Builder ligerKernels(Boolean v) { ligerKernels = v; return this; }
    public Builder framework(Framework v) { framework = v; return this; }

    /** The setup, checked as the record's constructor checks every setup. */
    public TrainingSetup build() {
      return new TrainingSetup(method, loraRank, loraTargets, loraDropout, quant, precision, optimizer,
          microBatch, seqLen, checkpointing, attention, loss, gradAccum, gpus, sharding, offload,
          expandableSegments, tensorParallel, optimizerInBackward, optimizerForeach, fsdpMixedUnits,
          accumulateNoSync, loopKeepsOutput, loopKeepsLastStep, quantKeepsInput, fp32Norms, ligerKernels, framework);
    }
  }

  public enum Method implements Labeled {
    FULL("full", "full-finetune", "full-ft"), LORA("lora"), QLORA("qlora");
    private final String label;
    private final List<String> aliases;
    Method(String label, String... aliases) { this.label = label; this.aliases = List.of(aliases); }
    @Override public String label() { return label; }
    @Override public List<String> aliases() { return aliases; }
  }

  /** Storage of the frozen block linears. */
  public enum Quant implements Labeled {
    NONE("none", 0, "no"),
    /** NF4, blocksize 64, one fp32 absmax per block: 4 + 32/64 = 4.5 bits (bitsandbytes functional.py). */
    NF4("nf4", 4.5 / 8),
    /** NF4 + double quantisation: 4 + 8/64 + 32/(64·256) = 4.127 bits (QLoRA paper §2). */
    NF4_DQ("nf4-dq", (4 + 8.0 / 64 + 32.0 / (64 * 256)) / 8, "nf4-double-quant", "nf4-double-quantization"),
    /** LLM.int8: one byte per weight (the fp32 row scales are < 0.1 %). */
    INT8("int8", 1.0, "llm-int8", "8bit", "load-in-8bit");

    private final String label;
    private final double bytesPerWeight;
    private final List<String> aliases;
    Quant(String label, double bytesPerWeight, String... aliases) {
      this.label = label; this.bytesPerWeight = bytesPerWeight; this.aliases = List.of(aliases);
    }
    @Override public String label() { return label; }
    @Override public List<String> aliases() { return aliases; }
    public double bytesPerWeight() { return bytesPerWeight; }
  }

  public enum Precision implements Labeled {
    /** bf16 compute copy + fp32 master in the optimizer (the seeds' 2 + 2 + 4 + 8 = 16 B/param). */
    // HF Trainer's bf16=True, accelerate's mixed_precision bf16 and Lightning's "bf16" all autocast
    // over fp32 weights.
    BF16_MIXED("bf16-mixed", 2, true, "bf16", "amp-bf16"),
    /** Everything in bf16, optimizer states included (litgpt bf16-true, torchtune dtype bf16). */
    BF16_TRUE("bf16-true", 2, false, "pure-bf16", "bf16-pure"),
    FP16_MIXED("fp16-mixed", 2, true, "fp16", "16-mixed", "amp", "amp-fp16"),
    // Not accelerate's mixed_precision "no": that runs in whatever dtype the model was loaded in.
    FP32("fp32", 4, false, "32-true", "32", "float32");

    private final String label;
    private final int computeBytes;
    private final boolean fp32Master;
    private final List<String> aliases;
    Precision(String label, int computeBytes, boolean fp32Master, String... aliases) {
      this.label = label; this.computeBytes = computeBytes; this.fp32Master = fp32Master; this.aliases = List.of(aliases);
    }
    @Override public String label() { return label; }
    @Override public List<String> aliases() { return aliases; }
    @Override public String refusedSpellingHint(String spelled) {
      return spelled.equals("no")
          ? "accelerate's mixed_precision no trains in the dtype the model was loaded in: bf16-true for a"
              + " bf16 load, fp32 for an fp32 one"
          : null;
    }
    /** Bytes of a weight, gradient and activation element in the forward/backward. */
    public int computeBytes() { return computeBytes; }
    /** The optimizer keeps an fp32 master copy of every trainable weight. */
    public boolean fp32Master() { return fp32Master; }
    /** Bytes of one optimizer-state element of a torch optimizer (fp32 unless bf16-true). */
    public int stateBytes() { return this == BF16_TRUE ? 2 : 4; }
  }

  public enum Optimizer implements Labeled {
    /** torch's AdamW (or Adam: the same two states) with its default foreach step; HF's {@code adamw_torch}. */
    ADAMW("adamw", 2, false, false, "adamw-torch", "adam"),
    /** bitsandbytes blockwise 8-bit: 1 byte + one fp32 absmax per 256 values, per state. */
    ADAMW_8BIT("adamw-8bit", 2, true, false, "adamw-bnb-8bit", "bnb-adamw-8bit", "adamw8bit"),
    /** bitsandbytes paged 32-bit AdamW: states in CUDA unified memory, outside PyTorch's allocator. */
    PAGED_ADAMW("paged-adamw", 2, false, true, "paged-adamw-32bit"),
    PAGED_ADAMW_8BIT("paged-adamw-8bit", 2, true, true),
    SGD("sgd", 0, false, false),
    SGD_MOMENTUM("sgd-momentum", 1, false, false),
    /** HF Adafactor defaults: factored second moment (row + column statistics), no first moment. */
    ADAFACTOR("adafactor", 0, false, false);

    private final String label;
    private final int states;
    private final boolean eightBit;
    private final boolean paged;
    private final List<String> aliases;
    Optimizer(String label, int states, boolean eightBit, boolean paged, String... aliases) {
      this.label = label; this.states = states; this.eightBit = eightBit; this.paged = paged;
      this.aliases = List.of(aliases);
    }
    @Override public String label() { return label; }
    @Override public List<String> aliases() { return aliases; }
    @Override public String refusedSpellingHint(String spelled) {
      return spelled.startsWith("adamw-") && spelled.endsWith("-fused")
          ? "a fused AdamW step allocates no foreach temporaries: use adamw with optimizer_foreach false"
          : null;
    }
    /** Full-size state tensors per parameter (Adam: momentum and variance). */
    public int states() { return states; }
    public boolean eightBit() { return eightBit; }
    /** bitsandbytes paged: allocated with cudaMallocManaged, invisible to torch's counters. */
    public boolean paged() { return paged; }
    /** A bitsandbytes optimizer (no torch foreach temporaries, 32-bit states even for bf16 weights). */
    public boolean bitsandbytes() { return eightBit || paged; }
  }

  public enum Checkpointing implements Labeled {
    // HF's gradient_checkpointing=True checkpoints every decoder layer.
    NONE("none", "false", "no", "off"), FULL("full", "true", "yes", "on"), SELECTIVE("selective");
    private final String label;
    private final List<String> aliases;
    Checkpointing(String label, String... aliases) { this.label = label; this.aliases = List.of(aliases); }
    @Override public String label() { return label; }
    @Override public List<String> aliases() { return aliases; }
  }

  public enum Attention implements Labeled {
    EAGER("eager"), SDPA("sdpa"),
    /** FlashAttention 2 or 3 ({@code attn_implementation="flash_attention_2"}). */
    FLASH("flash", "flash-attention-2", "flash-attention-3", "flash-attn", "fa2", "fa3"),
    /**
     * {@code scaled_dot_product_attention} dispatched to its math kernel because no fused kernel
     * takes the inputs: before PyTorch 2.5, K and V with fewer heads than Q (GQA/MQA not repeated
     * first), or in 2.0 an explicit mask. It keeps the s×s softmax output in the compute dtype.
     */
    SDPA_MATH("sdpa-math");
    private final String label;
    private final List<String> aliases;
    Attention(String label, String... aliases) { this.label = label; this.aliases = List.of(aliases); }
    @Override public String label() { return label; }
    @Override public List<String> aliases() { return aliases; }
  }

  public enum Loss implements Labeled {
    /** Full logits, upcast to fp32, log-softmax and its gradient materialised (HF *ForCausalLM). */
    STANDARD("standard"),
    /** Logits kept in the compute dtype, cross-entropy per chunk (litgpt, torchtune chunked CE). */
    CHUNKED("chunked"),
    /** Fused linear + cross-entropy (Liger, Cut-Cross-Entropy): logits never materialised. */
    FUSED("fused", "liger", "fused-linear-cross-entropy", "cut-cross-entropy", "cce"),
    /**
     * Cross-entropy over all the logits in the compute dtype, no upcast: a loop's own
     * {@code CrossEntropyLoss} on the 16-bit {@code output.logits} that transformers from 4.46
     * returns when called without labels. The logits, the log-softmax output and its gradient.
     */
    COMPUTE_DTYPE("compute-dtype", "no-upcast");
    private final String label;
    private final List<String> aliases;
    Loss(String label, String... aliases) { this.label = label; this.aliases = List.of(aliases); }
    @Override public String label() { return label; }
    @Override public List<String> aliases() { return aliases; }
  }

  public enum Sharding implements Labeled {
    NONE("none", false, false, false),
    /** Replicas; FSDP's {@code NO_SHARD} keeps the same states (and DeepSpeed stage 0). */
    DDP("ddp", false, false, false, "no-shard", "zero0", "zero-0"),
    ZERO1("zero1", false, false, true, "zero-1", "zero-stage-1"),
    ZERO2("zero2", false, true, true, "zero-2", "zero-stage-2"),
    ZERO3("zero3", true, true, true, "zero-3", "zero-stage-3"),
    FSDP_FULL("fsdp-full", true, true, true, "fsdp", "full-shard", "fsdp-full-shard", "fsdp2"),
    FSDP_GRAD_OP("fsdp-grad-op", false, true, true, "shard-grad-op", "fsdp-shard-grad-op");

    private final String label;
    private final boolean weights;
    private final boolean gradients;
    private final boolean optimizer;
    private final List<String> aliases;
    Sharding(String label, boolean weights, boolean gradients, boolean optimizer, String... aliases) {
      this.label = label; this.weights = weights; this.gradients = gradients; this.optimizer = optimizer;
      this.aliases = List.of(aliases);
    }
    @Override public String label() { return label; }
    @Override public List<String> aliases() { return aliases; }
    public boolean shardsWeights() { return weights; }
    public boolean shardsGradients() { return gradients; }
    public boolean shardsOptimizer() { return optimizer; }
  }

  public enum Offload implements Labeled {
    NONE("none", "no", "false"),
    /** ZeRO-Offload: optimizer states, fp32 master and gradients in host RAM, the step on the CPU. */
    OPTIMIZER("optimizer", "offload-optimizer", "zero-offload"),
    /** FSDP CPUOffload / ZeRO-3 param offload: every model state in host RAM. */
    PARAMS_OPTIMIZER("params-optimizer", "offload-params", "fsdp-cpu-offload");
    private final String label;
    private final List<String> aliases;
    Offload(String label, String... aliases) { this.label = label; this.aliases = List.of(aliases); }
    @Override public String label() { return label; }
    @Override public List<String> aliases() { return aliases; }
  }
}
