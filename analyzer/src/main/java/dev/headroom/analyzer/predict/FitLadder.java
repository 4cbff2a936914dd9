package dev.headroom.analyzer.predict;

import dev.headroom.analyzer.predict.TrainingSetup.Checkpointing;
import dev.headroom.analyzer.predict.TrainingSetup.Loss;
import dev.headroom.analyzer.predict.TrainingSetup.Method;
import dev.headroom.analyzer.predict.TrainingSetup.Offload;
import dev.headroom.analyzer.predict.TrainingSetup.Optimizer;
import dev.headroom.analyzer.predict.TrainingSetup.Precision;
import dev.headroom.analyzer.predict.TrainingSetup.Quant;
import dev.headroom.analyzer.predict.TrainingSetup.Sharding;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The mitigation ladder, in the seeds' order — bf16, activation checkpointing, 8-bit optimizer,
 * smaller micro-batch with accumulation, QLoRA, offload — with the free or cheap extras slotted
 * where they cost least: {@code expandable_segments} and a bitsandbytes whose 4-bit matmuls keep no
 * input right after bf16, sharding across the
 * available GPUs before QLoRA (it keeps full fine-tuning). Rungs are cumulative; a rung that
 * changes nothing for this run is left out, and a rung that would raise the predicted peak is
 * not applied (it is reported as skipped). The case that needs this: with the peak at the optimizer
 * step, a smaller micro-batch with accumulation halves activations the step never sees, while the
 * accumulated gradients now sit beside every later micro-step's activations, so the peak rises.
 */
public final class FitLadder {

  /**
   * One rung: the setup after applying it (and every rung above), its prediction and its cost.
   */
  public record Rung(String name, String cost, RunSpec spec, Prediction prediction, boolean fits) {}

  /**
   * The whole climb: the rungs applied, top to bottom, and the rungs passed over because they
   * would have raised the peak (each with the prediction it would have given, for the report).
   */
  public record Climb(List<Rung> rungs, List<Rung> skipped) {
    public Climb {
      rungs = List.copyOf(rungs);
      skipped = List.copyOf(skipped);
    }
  }

  private record Step(String name, String cost, UnaryOperator<RunSpec> apply) {}

  private final MemoryPredictor predictor;
  private final Metric metric;

  public FitLadder(MemoryPredictor predictor, Metric metric) {
    this.predictor = predictor;
    this.metric = metric;
  }

  /** Against the whole-process number ({@link Metric#DEVICE}), the one an OOM is decided on. */
  public static FitLadder standard() {
    return new FitLadder(MemoryPredictor.standard(), Metric.DEVICE);
  }

  private static List<Step> steps() {
    List<Step> steps = new ArrayList<>();
    steps.add(new Step("bf16 mixed precision", "none (faster on tensor cores)",
        spec -> spec.setup().precision() == Precision.FP32
            ? spec.withSetup(spec.setup().with(b -> b.precision(Precision.BF16_MIXED))) : spec));
    steps.add(new Step("expandable_segments allocator", "none (PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True)",
        spec -> spec.withSetup(spec.setup().with(b -> b.expandableSegments(true)))));
    // bitsandbytes before 0.43.2 kept every 4-bit matmul's input (PR #1270 removed it), through
    // backward and, in a loop that still holds the last step's output, into the next forward: free to undo.
    steps.add(new Step("bitsandbytes >= 0.43.2 (4-bit matmuls keep no input)", "none (a library upgrade)",
        spec -> {
          TrainingSetup s = spec.setup();
          boolean fourBit = s.quant() == Quant.NF4 || s.quant() == Quant.NF4_DQ;
          return fourBit && s.quantKeepsInput() ? spec.withSetup(s.with(b -> b.quantKeepsInput(false))) : spec;
        }));
    // A loop that drops its last output and loss before the next forward frees the old graph, and
    // with it what a quantised matmul kept on its context (bitsandbytes' 8-bit matmul still does).
    steps.add(new Step("drop the last step's output and loss before the next forward",
        "none (one line in the training loop: del outputs, loss)",
        spec -> new ActivationModel(spec.model(), spec.setup()).previousStepHoldsInputs()
            ? spec.withSetup(spec.setup().with(b -> b.loopKeepsLastStep(false))) : spec));
    // The loss's vocabulary-wide fp32 tensors (12·V bytes a token) dwarf a layer's activations for
    // 128k-256k vocabularies; a fused linear cross-entropy never materialises them.
    steps.add(new Step("fused cross-entropy (Liger, Cut Cross-Entropy)",
        "a kernel library (HF Trainer: use_liger_kernel=True), step time about the same",
        spec -> spec.model().hasLmHead() && spec.setup().loss() != Loss.FUSED
            ? spec.withSetup(spec.setup().with(b -> b.loss(Loss.FUSED))) : spec));
    steps.add(new Step("activation checkpointing", "about 30 % more step time (one extra forward)",
        spec -> spec.withSetup(spec.setup().with(b -> b.checkpointing(Checkpointing.FULL)))));
    steps.add(new Step("8-bit optimizer", "negligible (bitsandbytes blockwise states)",
        spec -> {
          Optimizer o = spec.setup().optimizer();
          Optimizer eight = switch (o) {
            case ADAMW -> Optimizer.ADAMW_8BIT;
            case PAGED_ADAMW -> Optimizer.PAGED_ADAMW_8BIT;
            default -> o;
          };
          return spec.withSetup(spec.setup().with(b -> b.optimizer(eight)));
        }));
    steps.add(new Step("micro-batch 1 with gradient accumulation", "none at the same tokens per step (lower GPU utilisation)",
        spec -> {
          TrainingSetup s = spec.setup();
          // An optimizer that steps inside backward cannot accumulate: the rung does not apply.
          return s.microBatch() == 1 || s.optimizerInBackward()
              ? spec : spec.withSetup(s.with(b -> b.microBatch(1).gradAccum(s.gradAccum() * s.microBatch())));
        }));
    steps.add(new Step("shard across the GPUs (FSDP full shard)", "all-gather and reduce-scatter every step",
        spec -> {
          TrainingSetup s = spec.setup();
          return s.gpus() > 1 && !s.sharding().shardsWeights()
              ? spec.withSetup(s.with(b -> b.sharding(Sharding.FSDP_FULL))) : spec;
        }));
    steps.add(new Step("QLoRA (4-bit NF4 base + LoRA adapters)", "task-dependent quality (measure before committing)",
        spec -> {
          TrainingSetup s = spec.setup();
          if (s.method() == Method.QLORA) {
            return spec;
          }
          // Recommended today: a current bitsandbytes, whose 4-bit matmul keeps no input.
          return spec.withSetup(s.with(b -> {
            b.method(Method.QLORA).quant(Quant.NF4_DQ).quantKeepsInput(false);
            // A full fine-tune has no adapters yet: the QLoRA paper's recipe, r16 on every linear.
            return s.method() == Method.FULL ? b.loraRank(16).loraTargets(LoraTarget.allLinear()) : b;
          }));
        }));
    steps.add(new Step("offload optimizer to CPU", "PCIe-bound step (~32 GB/s instead of TB/s HBM)",
        // The offloaded step runs on the CPU after backward, so it replaces an in-backward step.
        spec -> spec.setup().offload() == Offload.NONE
            ? spec.withSetup(spec.setup().with(b -> b.optimizerInBackward(false).offload(Offload.OPTIMIZER))) : spec));
    steps.add(new Step("offload parameters too", "PCIe-bound forward and backward (every layer crosses PCIe)",
        spec -> spec.withSetup(spec.setup().with(b -> b.optimizerInBackward(false).offload(Offload.PARAMS_OPTIMIZER)))));
    return steps;
  }

  /** Every rung applied (none raises the peak), top to bottom, each with its prediction. */
  public List<Rung> climb(RunSpec start) {
    return climbShowingSkipped(start).rungs();
  }

  /** The climb with the rungs it passed over because they would have raised the peak. */
  public Climb climbShowingSkipped(RunSpec start) {
    List<Rung> rungs = new ArrayList<>();
    List<Rung> skipped = new ArrayList<>();
    RunSpec current = start;
    long currentPeak = predictor.predict(start).peakBytes(metric);
    for (Step step : steps()) {
      RunSpec next = step.apply().apply(current);
      if (next.equals(current)) {
        continue;
      }
      Prediction p = predictor.predict(next);
      Rung rung = new Rung(step.name(), step.cost(), next, p, p.verdict(metric) == Verdict.FITS);
      // Strictly higher only: a rung that keeps the peak (bf16 from fp32 when the peak is at the
      // optimizer step, 16 B/param either way) still shrinks what the later rungs work on.
      if (p.peakBytes(metric) > currentPeak) {
        skipped.add(rung);
        continue;
      }
      current = next;
      currentPeak = p.peakBytes(metric);
      rungs.add(rung);
    }
    return new Climb(rungs, skipped);
  }

  /** The first rung under the danger threshold, if any; empty when even the last one does not fit. */
  public Optional<Rung> firstFit(RunSpec start) {
    return climb(start).stream().filter(Rung::fits).findFirst();
  }
}
