package dev.headroom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.predict.Breakdown;
import dev.headroom.analyzer.predict.CasesFile;
import dev.headroom.analyzer.predict.FitLadder;
import dev.headroom.analyzer.predict.Framework;
import dev.headroom.analyzer.predict.GpuCatalogue;
import dev.headroom.analyzer.predict.JsonSyntaxMessage;
import dev.headroom.analyzer.predict.Labeled;
import dev.headroom.analyzer.predict.MemoryPredictor;
import dev.headroom.analyzer.predict.Metric;
import dev.headroom.analyzer.predict.ModelConfigs;
import dev.headroom.analyzer.predict.ModelPresets;
import dev.headroom.analyzer.predict.Prediction;
import dev.headroom.analyzer.predict.PredictionCase;
import dev.headroom.analyzer.predict.RunSpec;
import dev.headroom.analyzer.predict.SpecException;
import dev.headroom.analyzer.predict.TrainingSetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code headroom predict}: the analytical per-GPU peak of a training run, before it is launched.
 * Wiring only: the model lives in {@code dev.headroom.analyzer.predict}.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Predict a training run's per-GPU peak memory and whether it fits; --fit finds the cheapest fix.",
    description = {
      "Predict a training run's per-GPU peak memory (weights, gradients, optimizer states, activations, "
          + "logits, overheads) for torch's allocated and reserved peaks and for what nvidia-smi shows "
          + "(device), with a verdict against the GPU (danger at >= 90 %% of usable memory).",
      "The model is a preset (--model llama-3-8b), a config.json path, or explicit --layers ... flags; "
          + "--spec reads a run-spec JSON (docs/predictor.md) that the other flags override.",
      "Setup values also take the spellings of HF, Lightning and DeepSpeed (bf16, paged_adamw_32bit, "
          + "flash_attention_2, full_shard, zero_stage_3, ...), case-insensitive.",
    },
    footer = {
      "",
      "Examples:",
      "  headroom predict --model llama-3-8b --method qlora --grad-ckpt full \\",
      "      --gpu RTX-4090",
      "  headroom predict --model ./Meta-Llama-3-8B/config.json --micro-batch 4 \\",
      "      --seq-len 4096 --fit",
      "  headroom predict --cases samples/calibration/memory-cases-calibration.csv",
    })
final class PredictCommand implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double GIB = 1L << 30;

  @Option(names = "--spec", paramLabel = "FILE.json",
      description = "Run spec JSON (docs/predictor.md); flags given below override its keys.")
  Path specFile;

  @Option(names = "--cases", paramLabel = "FILE.csv",
      description = "Batch mode: predict every row of a cases file (schema of samples/calibration/"
          + "memory-cases-calibration.csv) for its own metric. A bad row prints an error naming its id "
          + "and column; the other rows are still predicted (exit status 2 if any row was bad).")
  Path casesFile;

  @Option(names = "--model", paramLabel = "NAME|PATH",
      description = "Bundled preset (see --list-models) or a Hugging Face config.json (file or folder).")
  String model;

  @Option(names = "--layers", paramLabel = "N", description = "Explicit architecture: transformer blocks.")
  Long layers;

  @Option(names = "--hidden", paramLabel = "N", description = "Explicit architecture: hidden size h.")
  Long hidden;

  @Option(names = "--heads", paramLabel = "N", description = "Explicit architecture: attention heads.")
  Long heads;

  @Option(names = "--kv-heads", paramLabel = "N", description = "Explicit architecture: key/value heads (default: --heads).")
  Long kvHeads;

  @Option(names = "--head-dim", paramLabel = "N", description = "Explicit architecture: head dimension (default: hidden / heads).")
  Long headDim;

  @Option(names = "--intermediate", paramLabel = "N", description = "Explicit architecture: MLP width.")
  Long intermediate;

  @Option(names = "--vocab", paramLabel = "N", description = "Explicit architecture: vocabulary size.")
  Long vocab;

  @Option(names = "--tied", arity = "0..1", paramLabel = "BOOL",
      description = "Explicit architecture: the output head shares the input embedding (default: false).")
  Boolean tied;

  @Option(names = "--mlp", paramLabel = "KIND", description = "Explicit architecture: swiglu | geglu | gelu (default: the --family's: gelu for "
      + "falcon, gpt-neox, phi, gpt2, bloom, bert; geglu for the Gemmas and t5; else swiglu).")
  String mlp;

  @Option(names = "--family", paramLabel = "F", description = "Explicit architecture: the block layout, as HF "
      + "writes it for that model type: llama | qwen2 | qwen3 | phi3 | gemma2 | gemma3 | olmo2 | falcon | "
      + "gpt-neox | phi | gpt2 | bloom | bert | t5, or HF's own model_type for one (mistral, gemma, gemma3_text, "
      + "olmo3, ...) (default: llama).")
  String family;

  @Option(names = "--method", paramLabel = "M", description = "full | lora | qlora (default: full).")
  String method;

  @Option(names = "--lora-rank", paramLabel = "R", description = "LoRA rank (default: 16).")
  Long loraRank;

  @Option(names = "--lora-targets", paramLabel = "LIST",
      description = "Adapted matrices: comma list of q,k,v,o,gate,up,down,lm_head, or all-linear (default: q,v).")
  String loraTargets;

  @Option(names = "--lora-dropout", paramLabel = "P", description = "LoRA dropout probability (default: 0.05).")
  Double loraDropout;

  @Option(names = "--quant", paramLabel = "Q", description = "none | nf4 | nf4-dq | int8 (default: none; nf4-dq for qlora).")
  String quant;

  @Option(names = "--precision", paramLabel = "P", description = "bf16-mixed | bf16-true | fp16-mixed | fp32 (default: bf16-mixed).")
  String precision;

  @Option(names = "--optimizer", paramLabel = "O",
      description = "adamw | adamw-8bit | paged-adamw | paged-adamw-8bit | sgd | sgd-momentum | adafactor (default: adamw).")
  String optimizer;

  @Option(names = "--micro-batch", paramLabel = "N", description = "Sequences per GPU per forward (default: 1).")
  Long microBatch;

  @Option(names = "--seq-len", paramLabel = "N", description = "Tokens per sequence, padded (default: 2048).")
  Long seqLen;

  @Option(names = "--grad-ckpt", paramLabel = "C", description = "Activation checkpointing: none | full | selective (default: none).")
  String gradCkpt;

  @Option(names = "--attention", paramLabel = "A", description = "eager | sdpa | flash | sdpa-math: SDPA on its "
      + "math kernel, which keeps the s×s softmax (K/V with fewer heads than Q before torch 2.5, not repeated "
      + "first) (default: sdpa).")
  String attention;

  @Option(names = "--loss", paramLabel = "L", description = "standard | chunked | fused | compute-dtype cross-entropy: standard is HF's, "
      + "upcast to fp32; compute-dtype a loop's own loss on the 16-bit logits, no upcast (default: standard).")
  String loss;

  @Option(names = "--grad-accum", paramLabel = "N", description = "Gradient-accumulation steps (default: 1).")
  Long gradAccum;

  @Option(names = "--gpus", paramLabel = "N",
      description = "Every GPU of the run, data-parallel × tensor-parallel (default: 1).")
  Long gpus;

  @Option(names = "--tensor-parallel", paramLabel = "T",
      description = "Tensor-parallel degree with sequence parallelism (Megatron, torchtitan): matrices, "
          + "vocabulary and activations split T ways; must divide --gpus, sharding runs over --gpus / T (default: 1).")
  Long tensorParallel;

  @Option(names = "--optimizer-in-backward", arity = "0..1", paramLabel = "BOOL",
      description = "The optimizer steps each parameter during backward and frees its gradient "
          + "(torchtune optimizer_in_bwd): no full gradient buffer; needs --grad-accum 1 (default: false).")
  Boolean optimizerInBackward;

  @Option(names = "--optimizer-foreach", arity = "0..1", paramLabel = "BOOL",
      description = "torch's default foreach AdamW/SGD step, which allocates about one more copy of the "
          + "trainable parameters; false for foreach=False or fused=True (default: true).")
  Boolean optimizerForeach;

  @Option(names = "--fsdp-mixed-units", arity = "0..1", paramLabel = "BOOL",
      description = "FSDP units hold frozen and trainable parameters in one flat parameter (FSDP1 "
          + "use_orig_params=True with adapters inside the wrapped block, as litgpt wraps): every frozen "
          + "block weight gets a gradient too (default: false).")
  Boolean fsdpMixedUnits;

  @Option(names = "--accumulate-no-sync", arity = "0..1", paramLabel = "BOOL",
      description = "Accumulation micro-steps run under no_sync() (Lightning's no_backward_sync, "
          + "accelerate's accumulate()): FSDP keeps the gradients unsharded until the synchronising "
          + "step (default: false).")
  Boolean accumulateNoSync;

  @Option(names = "--loop-keeps-output", arity = "0..1", paramLabel = "BOOL",
      description = "The training loop still holds the model output during backward (output = "
          + "model(...); output.loss.backward()): its fp32 logits stay alive (default: false).")
  Boolean loopKeepsOutput;

  @Option(names = "--loop-keeps-last-step", arity = "0..1", paramLabel = "BOOL",
      description = "The training loop still holds the previous step's output or loss while the next "
          + "forward runs (a plain loop that rebinds logits = model(...) each step, as litgpt's; not HF Trainer, "
          + "torchtune or a loop that sets output = None). With --quant-keeps-input and no checkpointing, that "
          + "step's graph keeps its 4-bit matmul inputs alive (default: true).")
  Boolean loopKeepsLastStep;

  @Option(names = "--quant-keeps-input", arity = "0..1", paramLabel = "BOOL",
      description = "A quantised (frozen) linear keeps its input for backward: bitsandbytes 4-bit before "
          + "0.43.2 and its 8-bit matmul in every version. false for bitsandbytes >= 0.43.2 4-bit and torchao "
          + "NF4 (torchtune); the PyTorch reporter sets it from the installed library (default: true).")
  Boolean quantKeepsInput;

  @Option(names = "--fp32-norms", arity = "0..1", paramLabel = "BOOL",
      description = "The norm weights are fp32 in a 16-bit model (PEFT's prepare_model_for_kbit_training, TRL's "
          + "SFTTrainer for a 4-bit model, the QLoRA script): with bitsandbytes linears the residual stream and "
          + "every checkpointed layer input are fp32 (default: true for qlora with bf16-mixed/fp16-mixed, "
          + "HF Trainer's path; false otherwise).")
  Boolean fp32Norms;

  @Option(names = "--liger-kernels", arity = "0..1", paramLabel = "BOOL",
      description = "Liger-Kernel's RMSNorm and SwiGLU/GeGLU kernels replace HF's (use_liger_kernel): the norms "
          + "keep their 16-bit input, the activation only the gate and up outputs (default: true with "
          + "--loss fused, Liger's usual companion; false otherwise).")
  Boolean ligerKernels;

  @Option(names = "--framework", paramLabel = "F",
      description = "Whose training code runs: generic (HF transformers/PEFT-like; torchtune and torchtitan "
          + "match it closely) | litgpt (fused q|k|v with its LoRA padding, fp32 chunked logits, a quantised "
          + "head under QLoRA, Block-wrapped FSDP with no_backward_sync) (default: generic).")
  String framework;

  @Option(names = "--sharding", paramLabel = "S",
      description = "none | ddp | zero1 | zero2 | zero3 | fsdp-full | fsdp-grad-op (default: none, ddp with --gpus > 1).")
  String sharding;

  @Option(names = "--offload", paramLabel = "O", description = "none | optimizer | params-optimizer (default: none).")
  String offload;

  @Option(names = "--gpu", paramLabel = "TYPE|SIZE",
      description = "GPU type (see --list-gpus; e.g. H100-80GB, A100-40GB, RTX-4090) or a capacity (24GiB, 80GB) (default: H100-80GB).")
  String gpu;

  @Option(names = "--expandable-segments", arity = "0..1", paramLabel = "BOOL",
      description = "PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True (less allocator slack; default: false).")
  Boolean expandableSegments;

  @Option(names = "--metric", paramLabel = "M",
      description = "allocated | reserved | device | all: which peak(s) to print (default: all; --cases uses each row's metric).")
  String metric = "all";

  @Option(names = "--fit", description = "Climb the mitigation ladder and report the first rung that brings the run under 90 %% of usable memory, with every rung's prediction and cost; a rung that would raise the peak is not applied and is listed as skipped (JSON: \"skipped\": true).")
  boolean fit;

  @Option(names = "--json", description = "One JSON object per prediction per line (keys in docs/predictor.md).")
  boolean json;

  @Option(names = "--list-models", description = "List the bundled model presets and exit.")
  boolean listModels;

  @Option(names = "--list-gpus", description = "List the GPU catalogue and exit.")
  boolean listGpus;

  @CommandLine.Spec CommandLine.Model.CommandSpec commandSpec;

  /** The spec's {@code model} as given (a name, a path, an inline object), after the flags. */
  private JsonNode modelGiven;

  @Override
  public void run() {
    PrintWriter out = commandSpec.commandLine().getOut();
    try {
      if (listModels) {
        listModels(out);
      } else if (listGpus) {
        listGpus(out);
      } else if (casesFile != null) {
        runCases(out);
      } else {
        runOne(out);
      }
    } catch (SpecException e) {
      throw new UserInputException(e.getMessage());
    }
    out.flush();
  }

  private void listModels(PrintWriter out) {
    ModelPresets presets = ModelPresets.bundled();
    for (String name : presets.names()) {
      var a = presets.find(name).orElseThrow();
      out.printf(Locale.ROOT, "%-24s %,18d params  %3d layers  h %-6d %s%n", name, a.params(), a.layers(),
          a.hidden(), a.family().label());
    }
  }

  private static void listGpus(PrintWriter out) {
    for (String name : GpuCatalogue.names()) {
      var g = GpuCatalogue.resolve(name, "catalogue");
      out.printf(Locale.ROOT, "%-14s %8.2f GiB capacity  %8.2f GiB usable%n", name, g.capacityBytes() / GIB,
          g.usableBytes() / GIB);
    }
  }

  private List<Metric> metrics() {
    if (metric.equalsIgnoreCase("all")) {
      return List.of(Metric.values());
    }
    try {
      return List.of(Labeled.parse(Metric.values(), metric, "--metric", "--metric"));
    } catch (SpecException e) {
      throw new UserInputException("--metric '" + metric + "' is not one of allocated|reserved|device|all");
    }
  }

  /** The spec file (if any) with every given flag laid over it. */
  RunSpec buildSpec() {
    ObjectNode node;
    String where;
    if (specFile != null) {
      where = specFile.toString();
      JsonNode read = readJson(specFile);
      if (!read.isObject()) {
        throw new UserInputException(where + ": a run spec must be a JSON object");
      }
      node = (ObjectNode) read;
    } else {
      node = JSON.createObjectNode();
      where = "command line";
    }
    boolean explicit = layers != null || hidden != null || heads != null || kvHeads != null
        || headDim != null || intermediate != null || vocab != null || tied != null || mlp != null
        || family != null;
    if (model != null && explicit) {
      throw new UserInputException("give either --model or the explicit --layers/--hidden/... flags, not both");
    }
    if (model != null) {
      node.put("model", model);
    } else if (explicit) {
      ObjectNode m = JSON.createObjectNode();
      putIf(m, "layers", layers);
      putIf(m, "hidden", hidden);
      putIf(m, "heads", heads);
      putIf(m, "kv_heads", kvHeads);
      putIf(m, "head_dim", headDim);
      putIf(m, "intermediate", intermediate);
      putIf(m, "vocab", vocab);
      if (tied != null) {
        m.put("tied_embeddings", tied);
      }
      if (mlp != null) {
        m.put("mlp", mlp);
      }
      putIf(m, "family", family);
      for (String required : List.of("layers", "hidden", "heads", "intermediate", "vocab")) {
        if (!m.has(required)) {
          throw new UserInputException("explicit architecture needs --" + required
              + " (or use --model NAME|PATH)");
        }
      }
      node.set("model", m);
    } else if (!node.has("model")) {
      throw new UserInputException("no model: give --model NAME|PATH, --spec FILE.json, or --layers/--hidden/... "
          + "(headroom predict --list-models shows the presets)");
    }
    putIf(node, "method", method);
    putIf(node, "lora_rank", loraRank);
    putIf(node, "lora_targets", loraTargets);
    if (loraDropout != null) {
      node.put("lora_dropout", loraDropout);
    }
    putIf(node, "quant", quant);
    putIf(node, "precision", precision);
    putIf(node, "optimizer", optimizer);
    putIf(node, "micro_batch", microBatch);
    putIf(node, "seq_len", seqLen);
    putIf(node, "grad_ckpt", gradCkpt);
    putIf(node, "attention", attention);
    putIf(node, "loss", loss);
    putIf(node, "grad_accum", gradAccum);
    putIf(node, "gpus", gpus);
    putIf(node, "sharding", sharding);
    putIf(node, "offload", offload);
    putIf(node, "gpu", gpu);
    if (expandableSegments != null) {
      node.put("expandable_segments", expandableSegments);
    }
    putIf(node, "tensor_parallel", tensorParallel);
    if (optimizerInBackward != null) {
      node.put("optimizer_in_backward", optimizerInBackward);
    }
    if (optimizerForeach != null) {
      node.put("optimizer_foreach", optimizerForeach);
    }
    if (fsdpMixedUnits != null) {
      node.put("fsdp_mixed_units", fsdpMixedUnits);
    }
    if (accumulateNoSync != null) {
      node.put("accumulate_no_sync", accumulateNoSync);
    }
    if (loopKeepsOutput != null) {
      node.put("loop_keeps_output", loopKeepsOutput);
    }
    if (loopKeepsLastStep != null) {
      node.put("loop_keeps_last_step", loopKeepsLastStep);
    }
    if (fp32Norms != null) {
      node.put("fp32_norms", fp32Norms);
    }
    if (ligerKernels != null) {
      node.put("liger_kernels", ligerKernels);
    }
    if (quantKeepsInput != null) {
      node.put("quant_keeps_input", quantKeepsInput);
    }
    putIf(node, "framework", framework);
    modelGiven = node.get("model");
    try {
      return RunSpec.parse(node, where, ModelPresets.bundled());
    } catch (SpecException e) {
      throw specFile == null ? new SpecException(inFlagTerms(e.getMessage())) : e;
    }
  }

  private static final java.util.regex.Pattern SPEC_KEY_FIRST =
      java.util.regex.Pattern.compile("^command line: (?:key '(\\w+)'|(\\w+)(?= ))");

  /**
   * Without --spec every value came from a flag, so name the flag the user typed rather than the
   * run-spec key: "--micro-batch must be a positive integer, got 0", not "command line: key
   * 'micro_batch' ...". Messages about anything else are left as they are.
   */
  String inFlagTerms(String message) {
    var m = SPEC_KEY_FIRST.matcher(message);
    if (!m.find()) {
      return message;
    }
    String key = m.group(1) != null ? m.group(1) : m.group(2);
    String flag = "--" + key.replace('_', '-');
    if (commandSpec.findOption(flag) == null) {
      return message;
    }
    return flag + message.substring(m.end());
  }

  private static void putIf(ObjectNode node, String key, String value) {
    if (value != null) {
      node.put(key, value);
    }
  }

  private static void putIf(ObjectNode node, String key, Long value) {
    if (value != null) {
      node.put(key, value);
    }
  }

  /**
   * A checkpoint saved quantised (its config.json has a {@code quantization_config}) loads its
   * weights quantised whatever the setup says; a prediction with other weights would be silently
   * wrong, so say so: for --model, a spec's model path, or a config.json inlined in the spec.
   */
  private java.util.Optional<String> checkpointQuantizationNote(RunSpec spec) {
    JsonNode config;
    String source;
    if (modelGiven != null && modelGiven.isTextual()) {
      java.util.Optional<Path> file = ModelPresets.configFile(modelGiven.asText());
      if (file.isEmpty() || !Files.isRegularFile(file.get())) {
        return java.util.Optional.empty();
      }
      config = readJson(file.get());
      source = file.get().toString();
    } else if (modelGiven != null && modelGiven.isObject()) {
      config = modelGiven;
      source = "the model config inlined in " + (specFile == null ? "the command line" : specFile.toString());
    } else {
      return java.util.Optional.empty();
    }
    TrainingSetup.Quant quant = spec.setup().quant();
    return ModelConfigs.declaredQuantization(config).flatMap(declared -> {
      boolean fourBit = declared.equals("bitsandbytes 4-bit");
      boolean eightBit = declared.equals("bitsandbytes 8-bit");
      boolean matches = fourBit ? quant == TrainingSetup.Quant.NF4 || quant == TrainingSetup.Quant.NF4_DQ
          : eightBit && quant == TrainingSetup.Quant.INT8;
      if (matches) {
        return java.util.Optional.empty();
      }
      String advice = fourBit ? "say --method qlora (or --quant nf4)"
          : eightBit ? "say --quant int8"
          : "headroom models bitsandbytes quantisation only";
      return java.util.Optional.of(source + " declares " + declared + " weights (quantization_config), "
          + "which load quantised whatever the setup says; predicted with quant " + quant.label() + ": " + advice);
    });
  }

  private static JsonNode readJson(Path file) {
    try {
      String text = Files.readString(file);
      return JSON.readTree(text);
    } catch (NoSuchFileException e) {
      throw new UserInputException(file + ": no such file");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var at = e.getLocation();
      throw new UserInputException(file + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
          + ": malformed JSON: " + JsonSyntaxMessage.of(e));
    } catch (IOException e) {
      throw new UserInputException(file + ": cannot read: " + e.getMessage());
    }
  }

  private void runOne(PrintWriter out) {
    RunSpec spec = buildSpec();
    for (String note : spec.setup().inertSettings()) {
      commandSpec.commandLine().getErr().println("headroom: note: " + note);
    }
    checkpointQuantizationNote(spec).ifPresent(note -> commandSpec.commandLine().getErr().println("headroom: note: " + note));
    MemoryPredictor predictor = MemoryPredictor.standard();
    Prediction p = predictor.predict(spec);
    List<Metric> shown = metrics();
    if (json) {
      for (Metric m : shown) {
        out.println(jsonLine(null, m, p).toString());
      }
    } else {
      Report.table(out, p, shown);
    }
    if (fit) {
      Metric ladderMetric = shown.size() == 1 ? shown.get(0) : Metric.DEVICE;
      FitLadder ladder = new FitLadder(predictor, ladderMetric);
      FitLadder.Climb climb = ladder.climbShowingSkipped(spec);
      if (json) {
        for (FitLadder.Rung r : climb.rungs()) {
          out.println(rungLine(ladderMetric, r, false).toString());
        }
        for (FitLadder.Rung r : climb.skipped()) {
          out.println(rungLine(ladderMetric, r, true).toString());
        }
      } else {
        Report.ladder(out, p, climb, ladderMetric);
      }
    }
  }

  private void runCases(PrintWriter out) {
    if (specFile != null || model != null || fit) {
      throw new UserInputException("--cases predicts the rows of the file: it does not combine with --spec, --model or --fit");
    }
    List<PredictionCase> cases = CasesFile.read(casesFile);
    MemoryPredictor predictor = MemoryPredictor.standard();
    PrintWriter err = commandSpec.commandLine().getErr();
    int bad = 0;
    List<String[]> table = new ArrayList<>();
    for (PredictionCase c : cases) {
      if (c instanceof PredictionCase.Invalid invalid) {
        bad++;
        err.println("headroom: " + casesFile + ":" + invalid.line() + ": row " + invalid.id() + ": column "
            + invalid.column() + ": " + invalid.message());
        continue;
      }
      PredictionCase.Valid v = (PredictionCase.Valid) c;
      Prediction p = predictor.predict(v.spec());
      if (json) {
        out.println(jsonLine(v.id(), v.metric(), p).toString());
      } else {
        String measured = v.measuredGib().isPresent() ? String.format(Locale.ROOT, "%.2f", v.measuredGib().getAsDouble()) : "";
        String error = v.measuredGib().isPresent()
            ? String.format(Locale.ROOT, "%+.1f %%", (p.peakBytes(v.metric()) / GIB - v.measuredGib().getAsDouble())
                / v.measuredGib().getAsDouble() * 100) : "";
        table.add(new String[] {v.id(), v.spec().model().name(), v.spec().setup().method().label(),
            v.metric().label(), String.format(Locale.ROOT, "%.2f", p.peakBytes(v.metric()) / GIB), measured, error,
            p.verdict(v.metric()).label()});
      }
    }
    if (!json) {
      Report.columns(out, new String[] {"id", "model", "method", "metric", "predicted GiB", "measured GiB", "error", "verdict"}, table);
    }
    err.flush();
    out.flush();
    if (bad > 0) {
      throw new UserInputException(bad + " of " + cases.size() + " rows in " + casesFile
          + " could not be predicted (see the lines above)");
    }
  }

  /** The JSON line of one prediction for one metric, with exactly the documented keys. */
  /** A ladder rung as a prediction line with the rung's name, cost, fit and whether it was passed over. */
  static ObjectNode rungLine(Metric m, FitLadder.Rung r, boolean skipped) {
    ObjectNode line = jsonLine(null, m, r.prediction());
    line.put("rung", r.name());
    line.put("cost", r.cost());
    line.put("fits", r.fits());
    line.put("skipped", skipped);
    return line;
  }

  static ObjectNode jsonLine(String id, Metric m, Prediction p) {
    ObjectNode o = JSON.createObjectNode();
    if (id != null) {
      o.put("id", id);
    }
    o.put("metric", m.label());
    o.put("peak_bytes", p.peakBytes(m));
    o.put("capacity_bytes", p.capacityBytes());
    o.put("ratio", Math.round(p.ratio(m) * 10_000) / 10_000.0);
    o.put("verdict", p.verdict(m).label());
    o.put("params", p.params());
    o.put("trainable_params", p.trainableParams());
    Breakdown b = p.breakdown(m);
    ObjectNode bd = o.putObject("breakdown");
    bd.put("weights_bytes", b.weightsBytes());
    bd.put("gradients_bytes", b.gradientsBytes());
    bd.put("optimizer_bytes", b.optimizerBytes());
    bd.put("activations_bytes", b.activationsBytes());
    bd.put("logits_bytes", b.logitsBytes());
    bd.put("overhead_bytes", b.overheadBytes());
    o.put("host_bytes", p.hostBytes());
    return o;
  }

  /** Human-readable tables. */
  static final class Report {
    private Report() {}

    static String gib(long bytes) {
      return String.format(Locale.ROOT, "%.2f GiB", bytes / GIB);
    }

    /** The settings away from their defaults that the first line does not otherwise show. */
    static String setupExtras(TrainingSetup s) {
      List<String> extras = new ArrayList<>();
      if (s.gradAccum() > 1) {
        extras.add("accumulating " + s.gradAccum() + " micro-steps" + (s.accumulateNoSync() ? " under no_sync" : ""));
      }
      if (s.fsdpMixedUnits()) {
        extras.add("FSDP units mix frozen and trainable");
      }
      if (!s.optimizerForeach()) {
        extras.add("no foreach step");
      }
      if (s.loopKeepsOutput()) {
        extras.add("loop keeps the output");
      }
      if (s.quant() != TrainingSetup.Quant.NONE && !s.loopKeepsLastStep()) {
        extras.add("loop releases the last step");
      }
      if (s.quant() != TrainingSetup.Quant.NONE && !s.quantKeepsInput()) {
        extras.add("quantised matmuls keep no input");
      }
      if (s.quant() != TrainingSetup.Quant.NONE && s.fp32Norms()) {
        extras.add("fp32 norms (fp32 residual stream)");
      }
      if (s.ligerKernels()) {
        extras.add("Liger kernels");
      }
      if (s.expandableSegments()) {
        extras.add("expandable segments");
      }
      if (s.framework() != Framework.GENERIC) {
        extras.add(s.framework().label() + " code");
      }
      return extras.isEmpty() ? "" : "; " + String.join(", ", extras);
    }

    static void table(PrintWriter out, Prediction p, List<Metric> metrics) {
      RunSpec spec = p.spec();
      TrainingSetup s = spec.setup();
      out.printf(Locale.ROOT, "%s: %s, %s, %s, %d × %d tokens, checkpointing %s, %s attention, %s loss%s%n",
          spec.model().name(), s.method().label()
              + (s.adapters() ? " r" + s.loraRank() + " " + targets(s) : "")
              + (s.quant() == TrainingSetup.Quant.NONE ? "" : " " + s.quant().label()),
          s.precision().label(), s.optimizer().label(), s.microBatch(), s.seqLen(), s.checkpointing().label(),
          s.attention().label(), s.loss().label(), setupExtras(s));
      out.printf(Locale.ROOT, "GPU %s × %d (%s%s, offload %s%s): %s capacity, %s usable%n", spec.gpu().name(), s.gpus(),
          s.sharding().label(), s.tensorParallel() > 1 ? ", tensor parallel " + s.tensorParallel() : "",
          s.offload().label(), s.optimizerInBackward() ? ", optimizer in backward" : "",
          gib(p.capacityBytes()), gib(p.usableBytes()));
      out.printf(Locale.ROOT, "params %,d, trainable %,d (%s block layout); peak at the %s%n", p.params(),
          p.trainableParams(), spec.model().family().label(), p.peakPhase());
      List<String[]> rows = new ArrayList<>();
      String[] header = new String[metrics.size() + 1];
      header[0] = "";
      for (int k = 0; k < metrics.size(); k++) {
        header[k + 1] = metrics.get(k).label();
      }
      String[] names = {"weights", "gradients", "optimizer", "activations", "logits/loss", "overhead", "peak", "of usable", "verdict"};
      for (String name : names) {
        String[] row = new String[metrics.size() + 1];
        row[0] = name;
        for (int k = 0; k < metrics.size(); k++) {
          Metric m = metrics.get(k);
          Breakdown b = p.breakdown(m);
          row[k + 1] = switch (name) {
            case "weights" -> gib(b.weightsBytes());
            case "gradients" -> gib(b.gradientsBytes());
            case "optimizer" -> gib(b.optimizerBytes());
            case "activations" -> gib(b.activationsBytes());
            case "logits/loss" -> gib(b.logitsBytes());
            case "overhead" -> gib(b.overheadBytes());
            case "peak" -> gib(p.peakBytes(m));
            case "of usable" -> String.format(Locale.ROOT, "%.1f %%", p.ratio(m) * 100);
            default -> p.verdict(m).label();
          };
        }
        rows.add(row);
      }
      columns(out, header, rows);
      out.println("activations: " + p.activationFormula());
      if (p.hostBytes() > 0) {
        out.println("host RAM for offloaded/evicted state: " + gib(p.hostBytes()) + " per node");
      }
    }

    private static String targets(TrainingSetup s) {
      List<String> names = new ArrayList<>();
      s.loraTargets().forEach(t -> names.add(t.label()));
      return String.join(",", names);
    }

    static void ladder(PrintWriter out, Prediction start, FitLadder.Climb climb, Metric metric) {
      List<FitLadder.Rung> rungs = climb.rungs();
      out.println();
      out.println("mitigation ladder (" + metric.label() + " peak; cumulative, each rung on top of the ones above):");
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"", "as given", gib(start.peakBytes(metric)),
          String.format(Locale.ROOT, "%.1f %%", start.ratio(metric) * 100), start.verdict(metric).label(), ""});
      int k = 1;
      for (FitLadder.Rung r : rungs) {
        rows.add(new String[] {k++ + ".", r.name(), gib(r.prediction().peakBytes(metric)),
            String.format(Locale.ROOT, "%.1f %%", r.prediction().ratio(metric) * 100),
            r.prediction().verdict(metric).label(), r.cost()});
      }
      columns(out, new String[] {"", "rung", "peak", "of usable", "verdict", "cost"}, rows);
      for (FitLadder.Rung r : climb.skipped()) {
        out.println("skipped: " + r.name() + " (it would raise the peak to "
            + gib(r.prediction().peakBytes(metric)) + " at the " + r.prediction().peakPhase() + ")");
      }
      if (start.verdict(metric) == dev.headroom.analyzer.predict.Verdict.FITS) {
        // Nothing to fix: naming a "first rung that fits" would read as advice to apply it.
        out.println("the run fits as given; the rungs show what each would save");
        return;
      }
      Optional<FitLadder.Rung> first = rungs.stream().filter(FitLadder.Rung::fits).findFirst();
      out.println(first.map(r -> "first rung that fits: " + r.name() + "; cost: " + r.cost())
          .orElse("no rung brings the run under " + (int) (100 * dev.headroom.analyzer.predict.Verdict.DANGER_RATIO)
              + " % of usable memory on this GPU: more GPUs or a larger card are needed"));
    }

    static void columns(PrintWriter out, String[] header, List<String[]> rows) {
      int[] width = new int[header.length];
      boolean[] left = new boolean[header.length];
      for (int c = 0; c < header.length; c++) {
        width[c] = header[c].length();
        left[c] = c == 0 || header[c].equals("model") || header[c].equals("rung") || header[c].equals("cost");
        for (String[] r : rows) {
          width[c] = Math.max(width[c], r[c].length());
        }
      }
      List<String[]> all = new ArrayList<>();
      all.add(header);
      all.addAll(rows);
      for (String[] r : all) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < header.length; c++) {
          line.append(c == 0 ? "" : "  ");
          line.append(String.format(left[c] ? "%-" + width[c] + "s" : "%" + width[c] + "s", r[c]));
        }
        out.println(line.toString().stripTrailing());
      }
    }
  }
}
