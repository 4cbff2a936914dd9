package dev.headroom.analyzer.predict;

import dev.headroom.analyzer.predict.TrainingSetup.Offload;
import dev.headroom.analyzer.predict.TrainingSetup.Precision;

/**
 * The two published estimators headroom is compared against in {@code headroom bench predict},
 * implemented from their formulas (shared/reference/memory-formulas.md §3, §4) on the same rows.
 * Both count model states only; neither knows LoRA, activations or the CUDA context.
 */
public final class AnchorEstimates {
  private AnchorEstimates() {}

  /**
   * HF accelerate {@code estimate-memory}, "Training using Adam": the largest single component of
   * {@code estimate_training_usage} — 4× the fp32 size (16 B/param) for float32, 2× (8 B/param)
   * for float16/bfloat16. Per GPU: accelerate does not divide by the GPU count.
   */
  public static long accelerate(RunSpec spec) {
    long p = spec.model().params();
    return spec.setup().precision() == Precision.FP32 ? 16 * p : 8 * p;
  }

  /**
   * DeepSpeed's {@code estimate_zero2_model_states_mem_needs} (stages 0–2; the unsharded case as
   * one GPU) or {@code estimate_zero3_model_states_mem_needs} (ZeRO-3 / FSDP full shard) with
   * their defaults ({@code zero_init=True}); the per-GPU {@code gpu_mem}.
   */
  public static long deepSpeed(RunSpec spec) {
    TrainingSetup s = spec.setup();
    long total = spec.model().params();
    boolean cpuOffload = s.offload() != Offload.NONE;
    if (s.sharding().shardsWeights()) {
      long largestLayer = largestLayerParams(spec.model());
      long largestLayerMemory = 4 * largestLayer;
      if (cpuOffload) {
        if (s.offload() == Offload.PARAMS_OPTIMIZER) {
          return largestLayerMemory;
        }
        return largestLayerMemory + (long) (2.0 * total / s.gpus());
      }
      return largestLayerMemory + (long) (18.0 * total / s.gpus());
    }
    long totalGpus = s.sharding().shardsOptimizer() ? s.gpus() : 1;
    if (cpuOffload) {
      return 2 * total;
    }
    return 2 * total + (long) (18.0 * total / totalGpus);
  }

  /** DeepSpeed's {@code largest_layer_params}: the largest single module's own parameters. */
  static long largestLayerParams(Architecture a) {
    long max = a.vocab() * a.hidden();
    for (Linear l : a.blockLinears()) {
      max = Math.max(max, l.weightParams());
    }
    return max;
  }
}
