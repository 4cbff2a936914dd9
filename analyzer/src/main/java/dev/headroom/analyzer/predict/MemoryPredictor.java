package dev.headroom.analyzer.predict;

import dev.headroom.analyzer.predict.TrainingSetup.Checkpointing;
import dev.headroom.analyzer.predict.TrainingSetup.Method;
import dev.headroom.analyzer.predict.TrainingSetup.Offload;
import dev.headroom.analyzer.predict.TrainingSetup.Optimizer;
import dev.headroom.analyzer.predict.TrainingSetup.Precision;
import dev.headroom.analyzer.predict.TrainingSetup.Quant;
import dev.headroom.analyzer.predict.TrainingSetup.Sharding;
import java.util.EnumMap;
import java.util.Map;

/**
 * The analytical per-GPU memory model: model states (weights, gradients, optimizer) by bytes per
 * parameter and sharding, activations by {@link ActivationModel}, and the peak as the largest of
 * three moments of a step — the loss (all activations and the logits alive), the backward through
 * the last layer, and the optimizer step (every gradient alive). Pure arithmetic, no I/O.
 */
public final class MemoryPredictor {
  private final PredictorConstants c;

  public MemoryPredictor(PredictorConstants constants) {
    this.c = constants;
  }

  public static MemoryPredictor standard() {
    return new MemoryPredictor(PredictorConstants.standard());
  }

  public PredictorConstants constants() {
    return c;
  }

  /** Parameters that get gradients: all of them, or the LoRA adapters' {@code r·(d_in + d_out)}. */
  public static long trainableParams(Architecture a, TrainingSetup s) {
    if (!s.adapters()) {
      return a.params();
    }
    long perLayer = 0;
    for (Linear l : a.blockLinears()) {
      if (a.adapts(s.loraTargets(), l)) {
        perLayer += (long) s.loraRank() * (l.dIn() + l.dOut());
      }
    }
    long head = a.hasLmHead() && s.loraTargets().contains(LoraTarget.LM_HEAD)
        ? (long) s.loraRank() * (a.hidden() + a.vocab()) : 0;
    return a.layers() * perLayer + head;
  }

  /**
   * Whether quantisation stores the untied head compactly too: litgpt's bitsandbytes precision
   * converts every linear layer (Lightning {@code _convert_layers} without ignored modules); HF,
   * PEFT, torchtune and fsdp_qlora skip {@code lm_head}.
   */
  static boolean quantisesHead(Architecture a, TrainingSetup s) {
    return s.quant() != Quant.NONE && s.framework() == Framework.LITGPT && a.headParams() > 0;
  }

  /**
   * Bytes per weight of the one matrix dequantised for a matmul. bitsandbytes dequantises into the
   * dtype the weight had when it was quantised ({@code dequantize_4bit}: {@code torch.empty(shape,
   * dtype=quant_state.dtype)}) and converts that to the compute dtype ({@code .to(A.dtype)}), so
   * when the two differ both copies are alive at once. Lightning's {@code BitsandbytesPrecision},
   * which litgpt uses, always quantises from fp16 ({@code weight.contiguous().to(device=device,
   * dtype=torch.half)}), so under bf16 or fp32 compute the fp16 copy comes first.
   */
  static long dequantisedBytesPerWeight(TrainingSetup s) {
    long cb = s.precision().computeBytes();
    boolean fp16Compute = s.precision() == Precision.FP16_MIXED;
    boolean fromFp16 = s.framework() == Framework.LITGPT && s.quant() != Quant.INT8;
    return fromFp16 && !fp16Compute ? 2 + cb : cb;
  }

  /** Weights of the block linears, the ones 4-bit/8-bit quantisation stores compactly. */
  static long blockMatrixParams(Architecture a) {
    long perLayer = 0;
    for (Linear l : a.blockLinears()) {
      perLayer += l.weightParams();
    }
    return Math.min(a.layers() * perLayer, a.params());
  }

  private static long largestBlockMatrix(Architecture a) {
    long max = 0;
    for (Linear l : a.blockLinears()) {
      max = Math.max(max, l.weightParams());
    }
    return max;
  }

  public Prediction predict(RunSpec spec) {
    Architecture a = spec.model();
    TrainingSetup s = spec.setup();
    Gpu gpu = spec.gpu();
    // Tensor parallelism (Megatron layout with sequence parallelism, as torchtitan and Megatron-LM
    // apply it) splits every matrix, the vocabulary and the activations t ways; the sharding
    // below then runs over the data-parallel degree gpus / t.
    long tp = s.tensorParallel();
    long n = s.dataParallel();
    long cb = s.precision().computeBytes();
    long params = a.params();
    long trainable = trainableParams(a, s);
    Sharding sh = s.sharding();
    Offload off = s.offload();
    Optimizer opt = s.optimizer();

    // --- model states, this tensor-parallel slice, then this GPU's share ------------------------
    ModelStates whole = modelStates(a, s);
    double weightsAll = whole.weightsBytes() / tp;
    double gradsAll = whole.gradientsBytes() / tp;
    double masterAll = whole.masterBytes() / tp;
    double statesAll = whole.statesBytes() / tp;

    long weightShare = sh.shardsWeights() ? n : 1;
    long gradShare = sh.shardsGradients() ? n : 1;
    long optShare = sh.shardsOptimizer() ? n : 1;
    boolean paramsOff = off == Offload.PARAMS_OPTIMIZER;
    boolean optOff = off != Offload.NONE;

    // A unit holding frozen and trainable parameters in one flat parameter (FSDP1 with
    // use_orig_params=True and adapters inside the wrapped block) gives the whole flat parameter a
    // gradient: the frozen block weights get gradients as if they trained (PyTorch FSDP docs).
    boolean fsdp = sh == Sharding.FSDP_FULL || sh == Sharding.FSDP_GRAD_OP;
    boolean mixedUnits = s.mixedFsdpUnits() && fsdp && s.adapters();
    long layerStoredBytes = (long) ((a.layerParams() * (double) cb
        - (s.quant() == Quant.NONE ? 0 : (blockMatrixParams(a) / a.layers()) * (cb - s.quant().bytesPerWeight()))) / tp);
    if (mixedUnits) {
      gradsAll += a.layers() * (double) layerStoredBytes;
    }
    long weights = paramsOff ? 0 : (long) (weightsAll / weightShare);
    long grads = optOff ? 0 : (long) (gradsAll / gradShare);
    long master = optOff ? 0 : (long) (masterAll / optShare);
    long states = optOff ? 0 : (long) (statesAll / optShare);
    long paged = opt.paged() ? states : 0;
    long torchStates = states - paged;

    long nodeGpus = Math.min(s.gpus(), c.gpusPerNode());
    double hostPerGpu = (paramsOff ? weightsAll / weightShare : 0)
        + (optOff ? gradsAll / gradShare + (masterAll + statesAll) / optShare : 0);
    long host = (long) (hostPerGpu * nodeGpus);

    // --- communication buffers and gathered shards ---------------------------------------------
    // The root FSDP unit (everything not wrapped per block: embedding, final norm, untied head)
    // is gathered for the whole forward and backward.
    long rootStoredBytes = (a.embeddingParams() + a.headParams()) * cb / tp;
    long layerTrainable = trainable / a.layers() / tp;
    long persistentComm = 0;
    // DeepSpeed stage 3 allocates two gradient buffers when the optimizer is built and keeps them
    // for the run (stage3.py, contiguous_gradients, the default): its reduce bucket of
    // reduce_bucket_size elements on the GPU, offload or not, and this GPU's whole gradient
    // partition, flat (grad_partitions_flat_buffer), on the GPU unless the optimizer is offloaded,
    // so its gradients exist from the first forward.
    boolean zeroStage3Buffers = sh == Sharding.ZERO3 && !optOff;
    long gathered = 0;
    long unitGrads = 0;
    switch (sh) {
      case DDP -> persistentComm = (long) gradsAll; // DDP's bucket copy of every gradient
      case ZERO1, ZERO2 -> persistentComm = 2 * Math.min(c.zeroBucketElements(), trainable / tp) * cb;
      case FSDP_GRAD_OP -> unitGrads = mixedUnits ? layerStoredBytes : layerTrainable * cb;
      case ZERO3, FSDP_FULL -> {
        gathered = 2 * layerStoredBytes + rootStoredBytes; // current + prefetched block, and the root
        // unsharded gradient of one unit before reduce-scatter (the whole flat parameter when mixed)
        unitGrads = mixedUnits ? layerStoredBytes : layerTrainable * cb;
        if (sh == Sharding.ZERO3) {
          persistentComm = Math.min(c.zeroBucketElements(), trainable / tp) * cb; // the reduce bucket
        }
      }
      case NONE -> { }
    }
    if (paramsOff && !sh.shardsWeights()) {
      gathered = 2 * layerStoredBytes + rootStoredBytes; // streamed in unit by unit
    }
    long workspace = gpu.hopper() ? c.cublasWorkspaceHopperBytes() : c.cublasWorkspaceBytes();
    // bitsandbytes dequantises one weight at a time for the matmul; litgpt's quantised head is the
    // largest of them (V·h), dequantised for every chunk in the forward and again in backward.
    long dequantised = Math.max(largestBlockMatrix(a), quantisesHead(a, s) ? a.headParams() : 0);
    long dequant = s.quant() == Quant.NONE ? 0 : dequantised * dequantisedBytesPerWeight(s) / tp;

    // --- activations (sequence parallelism splits them t ways, Korthikanti et al. Table 2) -----
    ActivationModel act = new ActivationModel(a, s);
    long tokens = s.tokensPerMicroBatch();
    long stashPerToken = switch (s.checkpointing()) {
      case NONE -> act.perLayerPerToken();
      case FULL -> act.layerInputPerToken();
      case SELECTIVE -> act.selectivePerToken();
    };
    long stash = (a.layers() * stashPerToken + act.otherPerToken()) * tokens / tp;
    long recompute = s.checkpointing() == Checkpointing.FULL ? act.perLayerPerToken() * tokens / tp : 0;
    long working = act.backwardWorkingSetPerToken() * tokens / tp;
    long logits = act.logitsPerToken() * tokens / tp; // vocabulary-parallel loss under TP
    // The previous step's graph, still referenced by the loop until it rebinds its output,
    // holds its quantised matmuls' inputs through this step's forward and loss (same shape
    // assumed: the previous micro-batch as long as this one). Released before this backward.
    long previousStep = (a.layers() * act.previousStepQuantInputsPerToken()
        + act.previousStepQuantHeadInputPerToken()) * tokens / tp;

    // --- the three moments ---------------------------------------------------------------------
    boolean gradsPersist = s.gradAccum() > 1;
    // Under no_sync() FSDP skips the reduce-scatter on accumulation micro-steps and keeps each
    // unit's gradient unsharded until the synchronising one (PyTorch FSDP no_sync docs).
    boolean unshardedAccumulation = gradsPersist && s.noSyncAccumulation() && fsdp && !optOff;
    long persistentGrads = !gradsPersist && !zeroStage3Buffers ? 0 : unshardedAccumulation ? (long) gradsAll : grads;
    // The head's weight gradient is the first large one backward produces. With the optimizer
    // in backward it is also the largest gradient ever alive, plus that parameter's own
    // foreach temporary while it is stepped.
    long headGrad = s.method() == Method.FULL && !optOff && a.hasLmHead()
        ? (long) (a.vocab() * a.hidden() * cb / (double) (gradShare * tp)) : 0;
    long inBackwardStep = s.optimizerInBackward() && headGrad > 0
        ? foreachTemporaries(s, a.vocab() * a.hidden(), gradShare * tp, optOff) : 0;
    long fixed = workspace + persistentComm;
    long transientShards = gathered + dequant;
    long optimizerTorch = master + torchStates;

    Breakdown atLoss = new Breakdown(weights, persistentGrads, optimizerTorch, stash + previousStep, logits,
        fixed + transientShards);
    long heldLogits = act.logitsHeldThroughBackwardPerToken() * tokens / tp;
    Breakdown atBackward = new Breakdown(weights, Math.max(persistentGrads, headGrad),
        optimizerTorch + inBackwardStep, stash + recompute + working, heldLogits,
        fixed + transientShards + unitGrads);
    // FSDP with CPUOffload(offload_params=True) keeps each unit's reduce-scattered gradient shard
    // on the GPU (_saved_grad_shard) beside its CPU copy until backward finishes
    // (_finalize_params; torch 1.13's fully_sharded_data_parallel.py, 2.x's
    // _runtime_utils._accumulate_sharded_grad). The shards pile up as the kept layer inputs are
    // consumed, so the backward's peak is at its start (every input, no shard) or at its end
    // (every shard, the first layer's recomputation and gradients only).
    long offloadedGradShards = fsdp && paramsOff && !s.optimizerInBackward() ? (long) (gradsAll / gradShare) : 0;
    if (offloadedGradShards > 0) {
      long firstLayer = (s.checkpointing() == Checkpointing.FULL ? recompute : stash / a.layers()) + working;
      Breakdown atBackwardEnd = new Breakdown(weights, persistentGrads + offloadedGradShards,
          optimizerTorch, firstLayer, heldLogits, fixed + transientShards + unitGrads);
      if (atBackwardEnd.totalBytes() > atBackward.totalBytes()) {
        atBackward = atBackwardEnd;
      }
    }
    // With the optimizer in backward there is no step after backward: each gradient was applied
    // and freed as it was produced, so only the weights and states remain.
    Breakdown atStep = s.optimizerInBackward()
        ? new Breakdown(weights, 0, optimizerTorch, 0, 0, fixed)
        : new Breakdown(weights, grads,
            optimizerTorch + foreachTemporaries(s, trainable, optShare * tp, optOff), 0, 0, fixed + unitGrads);

    Breakdown allocated = atLoss;
    String phase = "loss";
    if (atBackward.totalBytes() > allocated.totalBytes()) {
      allocated = atBackward;
      phase = "backward";
    }
    if (atStep.totalBytes() > allocated.totalBytes()) {
      allocated = atStep;
      phase = "optimizer-step";
    }

    // FSDP's communication streams exist once it shards over more than one GPU; DeepSpeed stage 3
    // reduces on a side stream (overlap_comm, true by default for stage 3) even on one GPU.
    boolean commStreams = fsdp && s.dataParallel() > 1 || sh == Sharding.ZERO3;
    double fragmentation = s.expandableSegments() ? c.fragmentationExpandable()
        : commStreams ? c.fragmentationFsdp() : c.fragmentation();
    Breakdown reserved = allocated.plusOverhead((long) (allocated.totalBytes() * fragmentation));
    long nccl = s.gpus() > 1 ? c.ncclBytes() : 0;
    long deviceBeforePaged = reserved.totalBytes() + c.cudaContextBytes() + nccl;
    long room = Math.max(0, gpu.usableBytes() - deviceBeforePaged);
    long pagedResident = Math.min(paged, room);
    host += (paged - pagedResident) * nodeGpus;
    Breakdown device = new Breakdown(reserved.weightsBytes(), reserved.gradientsBytes(),
        reserved.optimizerBytes() + pagedResident, reserved.activationsBytes(),
        reserved.logitsBytes(), reserved.overheadBytes() + c.cudaContextBytes() + nccl);

    Map<Metric, Breakdown> byMetric = new EnumMap<>(Metric.class);
    byMetric.put(Metric.ALLOCATED, allocated);
    byMetric.put(Metric.RESERVED, reserved);
    byMetric.put(Metric.DEVICE, device);
    return new Prediction(spec, params, trainable, byMetric, host, phase, act.describe());
  }

  /**
   * Model-state bytes of the whole model before sharding or offload.
   *
   * @param weightsBytes frozen (maybe quantised) and trainable weights in their storage dtype
   * @param gradientsBytes gradients of the trainable weights, in the compute dtype
   * @param masterBytes the optimizer's fp32 master copy (mixed precision only)
   * @param statesBytes optimizer states
   */
  public record ModelStates(double weightsBytes, double gradientsBytes, double masterBytes, double statesBytes) {
    public double totalBytes() {
      return weightsBytes + gradientsBytes + masterBytes + statesBytes;
    }
  }

  /** Weights, gradients, master copy and optimizer states by bytes per parameter (§2 of the formulas). */
  public static ModelStates modelStates(Architecture a, TrainingSetup s) {
    long cb = s.precision().computeBytes();
    long params = a.params();
    long trainable = trainableParams(a, s);
    long frozen = params - trainable;
    long quantised = s.quant() == Quant.NONE ? 0
        : blockMatrixParams(a) + (quantisesHead(a, s) ? a.headParams() : 0);
    double frozenBytes = quantised * s.quant().bytesPerWeight() + (frozen - quantised) * (double) cb;
    return new ModelStates(
        frozenBytes + trainable * (double) cb,
        trainable * (double) cb,
        s.precision().fp32Master() ? 4.0 * trainable : 0,
        optimizerStateBytes(a, s, trainable));
  }

  /**
   * Optimizer state bytes for the whole model (before sharding): Adam's two states, 8-bit
   * blockwise states ({@code 1 + 4/256} B each), HF Adafactor's factored second moment.
   */
  static double optimizerStateBytes(Architecture a, TrainingSetup s, long trainable) {
    Optimizer opt = s.optimizer();
    if (opt == Optimizer.ADAFACTOR) {
      if (s.adapters()) {
        return 4.0 * trainable; // adapters are thin matrices: factoring saves little, count full size
      }
      // Row + column statistics per matrix (4 B each), full-size state for the rest.
      long factored = 0;
      long matrices = 0;
      for (Linear l : a.blockLinears()) {
        factored += 4 * (l.dIn() + l.dOut());
        matrices += l.weightParams();
      }
      long embedding = a.vocab() * a.hidden();
      double vectors = Math.max(0, a.params() - a.layers() * matrices - embedding - a.headParams());
      return a.layers() * (double) factored + 4.0 * (a.vocab() + a.hidden())
          + (a.headParams() > 0 ? 4.0 * (a.vocab() + a.hidden()) : 0) + 4.0 * vectors;
    }
    double perState;
    if (opt.eightBit()) {
      perState = 1 + 4.0 / 256;
    } else if (opt.bitsandbytes()) {
      perState = 4; // bitsandbytes 32-bit optimizers keep fp32 states whatever the weight dtype
    } else {
      perState = s.precision().stateBytes();
    }
    return opt.states() * perState * trainable;
  }

  /**
   * torch's default {@code foreach} AdamW/SGD "uses ~sizeof(params) more peak memory" at the step
   * (torch docs); {@code foreach=False} and {@code fused=True} do not, bitsandbytes and Adafactor
   * update in place, and an offloaded step runs on the CPU.
   */
  private static long foreachTemporaries(TrainingSetup s, long trainable, long optShare, boolean optOff) {
    Optimizer opt = s.optimizer();
    if (optOff || !s.optimizerForeach() || opt.bitsandbytes() || opt == Optimizer.ADAFACTOR
        || opt == Optimizer.SGD) {
      return 0;
    }
    long bytes = (s.precision().fp32Master() ? 4 : s.precision().computeBytes());
    return trainable * bytes / optShare;
  }
}
