package dev.headroom.analyzer.postmortem.log;

import dev.headroom.analyzer.postmortem.ByteCount;
import dev.headroom.analyzer.postmortem.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns what a report stated into a verdict, the reason in words, and the next step. Rules are
 * checked in order: a configured cap first (it explains the failure even when the device had room),
 * then fragmentation (the allocator held enough unused memory for the request), then another
 * process, then plain shortage; with too few numbers the verdict is unknown and the next step says
 * how to get the numbers.
 */
final class OomVerdicts {

  /** With an NVML process list: other processes holding this share of the device is "large". */
  static final double OTHER_PROCESS_SHARE = 0.10;
  /**
   * Without a list, foreign use is inferred as total − free − reserved by the framework; it also
   * contains the CUDA context and non-PyTorch libraries (≈0.3–1 GiB), so the bar is higher.
   */
  static final double INFERRED_FOREIGN_SHARE = 0.25;
  /** A BFC pool this full is out of room. */
  static final double POOL_FULL_SHARE = 0.95;

  static final ByteCount ONE_TIB = ByteCount.of(1L << 40);

  record Judgement(Verdict verdict, String reason, String nextStep) {}

  private OomVerdicts() {}

  static Judgement judge(OomFields f) {
    Judgement j = allocatorLimit(f);
    if (j == null) {
      j = fragmentation(f);
    }
    if (j == null) {
      j = otherProcess(f);
    }
    if (j == null) {
      j = shortage(f);
    }
    return j != null ? j : unknown(f);
  }

  /** Numbers that cannot all be true at once; kept as the log said them, but flagged. */
  static List<String> anomalies(OomFields f) {
    List<String> out = new ArrayList<>();
    if (f.total != null && f.free != null && f.free.compareTo(f.total) > 0) {
      out.add("free (" + f.free.human() + ") exceeds total capacity (" + f.total.human() + ")");
    }
    if (f.total != null && f.allocated != null && f.allocated.compareTo(f.total) > 0) {
      out.add(
          "allocated (" + f.allocated.human() + ") exceeds total capacity (" + f.total.human()
              + "): shared/unified memory (WSL, integrated GPU) or a misreport");
    }
    if (f.reservedUnallocated != null && f.reservedUnallocated.isNegative()) {
      out.add("reserved is smaller than allocated (" + f.reservedUnallocated.human() + ")");
    }
    if (f.tried != null && f.tried.isNegative()) {
      out.add("negative request size " + f.tried.human());
    }
    if (f.tried != null && f.tried.compareTo(ONE_TIB) >= 0) {
      out.add(
          "a single request of " + f.tried.human()
              + " is larger than any GPU: a shape or dtype bug, not a memory setting");
    } else if (f.tried != null && f.total != null && f.tried.compareTo(f.total) > 0) {
      out.add("the request alone (" + f.tried.human() + ") exceeds the GPU (" + f.total.human() + ")");
    }
    return out;
  }

  private static Judgement allocatorLimit(OomFields f) {
    if (f.kind == ReportKind.MPS_ALLOCATOR && f.allowedLimit != null) {
      return new Judgement(
          Verdict.ALLOCATOR_LIMIT,
          "MPS stopped at its watermark (max allowed " + f.allowedLimit.human() + ")",
          "raise PYTORCH_MPS_HIGH_WATERMARK_RATIO (0.0 disables the cap, at the risk of system"
              + " instability) or reduce the batch size");
    }
    if (f.kind == ReportKind.TORCH_ALLOCATOR
        && f.allowedLimit != null
        && (f.total == null || f.allowedLimit.compareTo(f.total) < 0)) {
      return new Judgement(
          Verdict.ALLOCATOR_LIMIT,
          "the process was capped at " + f.allowedLimit.human()
              + (f.total != null ? " of " + f.total.human() : ""),
          "raise or remove torch.cuda.set_per_process_memory_fraction (the cap that prints"
              + " 'allowed'), or lower the batch size to fit under it");
    }
    return null;
  }

  private static Judgement fragmentation(OomFields f) {
    if (f.tried == null || f.reservedUnallocated == null || f.tried.bytes().signum() <= 0) {
      return null;
    }
    if (f.reservedUnallocated.compareTo(f.tried) < 0) {
      return null;
    }
    String reason =
        f.reservedUnallocated.human() + " reserved but unallocated ≥ the " + f.tried.human()
            + " request: enough memory was cached, only not in one contiguous block";
    String step =
        switch (f.framework) {
          case PYTORCH_ROCM -> "set PYTORCH_HIP_ALLOC_CONF=expandable_segments:True";
          case TENSORFLOW, JAX -> "set TF_GPU_ALLOCATOR=cuda_malloc_async (TensorFlow) or"
              + " XLA_PYTHON_CLIENT_ALLOCATOR=platform (JAX) to avoid BFC fragmentation";
          default -> "set PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True (PyTorch ≥ 2.1; older:"
              + " max_split_size_mb:<a size just above the request in MiB>), and free long-lived"
              + " temporaries before the peak";
        };
    return new Judgement(Verdict.FRAGMENTATION, reason, step);
  }

  private static Judgement otherProcess(OomFields f) {
    if (f.total == null) {
      return null;
    }
    if (f.processListPresent) {
      ByteCount others = ByteCount.of(0);
      long count = 0;
      for (ProcessUsage p : f.processes) {
        if (!p.self()) {
          others = others.plus(p.used());
          count++;
        }
      }
      if (count > 0 && others.fractionOf(f.total) >= OTHER_PROCESS_SHARE) {
        return new Judgement(
            Verdict.OTHER_PROCESS,
            count + " other process(es) held " + others.human() + " of " + f.total.human(),
            "stop or move the other processes (the PIDs listed), or pick a free GPU with"
                + " CUDA_VISIBLE_DEVICES; in a container 'Process N' may be this process under its"
                + " host PID");
      }
      return null;
    }
    if (f.kind == ReportKind.VLLM_STARTUP && f.free != null) {
      ByteCount used = f.total.minus(f.free);
      if (used.fractionOf(f.total) >= OTHER_PROCESS_SHARE) {
        return new Judgement(
            Verdict.OTHER_PROCESS,
            used.human() + " of " + f.total.human() + " was in use before vLLM started",
            "free the GPU (other processes hold " + used.human() + ") or lower"
                + " --gpu-memory-utilization below " + String.format("%.2f", f.free.fractionOf(f.total)));
      }
      return null;
    }
    if (f.free != null && f.allocated != null && f.reservedUnallocated != null) {
      ByteCount foreign = f.total.minus(f.free).minus(f.allocated).minus(f.reservedUnallocated);
      boolean coversRequest = f.tried == null || foreign.compareTo(f.tried) >= 0;
      if (foreign.fractionOf(f.total) >= INFERRED_FOREIGN_SHARE && coversRequest) {
        return new Judgement(
            Verdict.OTHER_PROCESS,
            foreign.human() + " of " + f.total.human()
                + " was held outside this process's allocator (total − free − reserved)",
            "check nvidia-smi for other processes on this GPU (or leftover ones from an earlier"
                + " run) and pick a free GPU with CUDA_VISIBLE_DEVICES");
      }
    }
    return null;
  }

  private static Judgement shortage(OomFields f) {
    if (f.kind == ReportKind.BFC_ALLOCATOR
        && f.allocated != null
        && f.allowedLimit != null
        && f.allocated.fractionOf(f.allowedLimit) >= POOL_FULL_SHARE) {
      return new Judgement(
          Verdict.SHORTAGE,
          "the allocator's pool was full: " + f.allocated.human() + " in use of a "
              + f.allowedLimit.human() + " limit",
          ladder(f.framework));
    }
    if (f.kind == ReportKind.VLLM_STARTUP && f.total != null) {
      return new Judgement(
          Verdict.SHORTAGE,
          "vLLM wanted " + (f.desired != null ? f.desired.human() : "more") + " but only "
              + (f.free != null ? f.free.human() : "less") + " was free",
          "lower --gpu-memory-utilization or --max-model-len, or use a smaller/quantized model");
    }
    if (f.tried == null || (f.free == null && f.total == null)) {
      return null;
    }
    if (f.total != null && f.tried.compareTo(f.total) > 0) {
      return new Judgement(
          Verdict.SHORTAGE,
          "the single request (" + f.tried.human() + ") is larger than the whole GPU ("
              + f.total.human() + ")",
          "this tensor cannot fit on one device at any setting: shard it (tensor/sequence"
              + " parallelism), process it in chunks, or check the shape that produced it");
    }
    String cached =
        f.reservedUnallocated != null ? "; the allocator had only " + f.reservedUnallocated.human() + " cached" : "";
    String reason;
    if (f.free == null) {
      reason = f.tried.human() + " requested on a " + f.total.human() + " device" + cached;
    } else if (f.tried.compareTo(f.free) <= 0) {
      // cudaMalloc needs the request plus page-table and alignment overhead in one piece.
      reason = "the " + f.tried.human() + " request needed nearly all of the " + f.free.human()
          + " still free" + cached;
    } else {
      reason = f.tried.human() + " requested but only " + f.free.human() + " free" + cached;
    }
    return new Judgement(Verdict.SHORTAGE, reason, ladder(f.framework));
  }

  /** The predictor's mitigation ladder, cheapest rung first (serving has its own knobs). */
  static String ladder(Framework framework) {
    if (framework == Framework.VLLM) {
      return "shrink what vLLM keeps beside the weights: --max-model-len, --max-num-seqs or"
          + " --max-num-batched-tokens; or serve a quantized model, or more tensor-parallel GPUs";
    }
    if (framework == Framework.JAX || framework == Framework.TENSORFLOW) {
      return "reduce the batch, rematerialize (jax.checkpoint / tf.recompute_grad), use bf16, or"
          + " shard across devices";
    }
    // The predictor's FitLadder order (dev.headroom.analyzer.predict.FitLadder), cheapest first.
    return "climb the mitigation ladder, cheapest rung first: bf16 mixed precision →"
        + " expandable_segments → activation checkpointing → 8-bit optimizer → micro-batch 1 with"
        + " gradient accumulation → FSDP/ZeRO-3 sharding → QLoRA → optimizer offload;"
        + " `headroom predict` with the run spec shows which rung fits";
  }

  private static Judgement unknown(OomFields f) {
    String step =
        switch (f.kind) {
          case CUDA_RUNTIME_ERROR -> "a CUDA runtime error carries no allocator numbers and may be"
              + " reported late: rerun with CUDA_LAUNCH_BLOCKING=1 and"
              + " torch.cuda.memory._record_memory_history() to get a snapshot at the failure;"
              + " often a non-PyTorch allocation (custom kernel, cuDNN/cuBLAS workspace)";
          case CUBLAS_ALLOC_FAILED -> "cuBLAS could not allocate its handle or workspace because the"
              + " caching allocator held the memory: create the handle early (a warm-up matmul) or"
              + " leave headroom with torch.cuda.set_per_process_memory_fraction(0.95)";
          case NCCL_CUDA_FAILURE -> "NCCL could not allocate its buffers: start NCCL before the"
              + " model fills the GPU, or shrink them (NCCL_BUFFSIZE, NCCL_NVLS_ENABLE=0)";
          case XLA_RESOURCE_EXHAUSTED -> "JAX preallocates 75% of the GPU: set"
              + " XLA_PYTHON_CLIENT_MEM_FRACTION or XLA_PYTHON_CLIENT_PREALLOCATE=false, then reduce"
              + " the batch or rematerialize (jax.checkpoint)";
          case BFC_ALLOCATOR, TF_OOM -> f.framework == Framework.JAX
              ? "set XLA_PYTHON_CLIENT_MEM_FRACTION or XLA_PYTHON_CLIENT_PREALLOCATE=false, then"
                  + " reduce the batch or rematerialize (jax.checkpoint); the BFC dump shows what"
                  + " held the memory"
              : "enable memory growth"
              + " (tf.config.experimental.set_memory_growth) and reduce the batch; the BFC stats"
              + " dump above the error, when present, shows what held the memory";
          case CUPY_POOL -> "free the CuPy memory pool (cupy.get_default_memory_pool().free_all_blocks())"
              + " or process the array in chunks";
          case VLLM_KV_CACHE -> "raise --gpu-memory-utilization or lower --max-model-len";
          default -> "capture an allocator snapshot at the failure"
              + " (torch.cuda.memory._record_memory_history(); _dump_snapshot()) and run"
              + " `headroom postmortem` on it";
        };
    return new Judgement(Verdict.UNKNOWN, "the report states too few numbers to tell", step);
  }
}
