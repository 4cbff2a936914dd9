package dev.headroom.analyzer.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.predict.TrainingSetup.Attention;
import dev.headroom.analyzer.predict.TrainingSetup.Checkpointing;
import dev.headroom.analyzer.predict.TrainingSetup.Loss;
import dev.headroom.analyzer.predict.TrainingSetup.Method;
import dev.headroom.analyzer.predict.TrainingSetup.Offload;
import dev.headroom.analyzer.predict.TrainingSetup.Optimizer;
import dev.headroom.analyzer.predict.TrainingSetup.Precision;
import dev.headroom.analyzer.predict.TrainingSetup.Quant;
import dev.headroom.analyzer.predict.TrainingSetup.Sharding;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * What the predictor takes: a model, a training setup and the GPU. The JSON form (keys in
 * docs/predictor.md) is what agents ship as {@code RunSpecDeclared.specJson}.
 */
public record RunSpec(Architecture model, TrainingSetup setup, Gpu gpu) {

  /** The GPU assumed when a spec names none. */
  public static final String DEFAULT_GPU = "H100-80GB";

  static final List<String> KEYS = List.of("model", "method", "lora_rank", "lora_targets",
      "lora_dropout", "quant", "precision", "optimizer", "micro_batch", "seq_len", "grad_ckpt",
      "attention", "loss", "grad_accum", "gpus", "sharding", "offload", "gpu",
      "expandable_segments", "tensor_parallel", "optimizer_in_backward", "optimizer_foreach",
      "fsdp_mixed_units", "accumulate_no_sync", "loop_keeps_output", "loop_keeps_last_step", "quant_keeps_input", "fp32_norms", "liger_kernels", "framework");

  public RunSpec withSetup(TrainingSetup s) {
    return new RunSpec(model, s, gpu);
  }

  /**
   * Parses a run spec.
   *
   * @param where names the source in messages ("spec.json", "run r-17")
   * @throws SpecException naming {@code where} and the bad key
   */
  public static RunSpec parse(String json, String where) {
    return parse(ModelConfigs.readTree(json, where), where, ModelPresets.bundled());
  }

  public static RunSpec parse(JsonNode node, String where, ModelPresets presets) {
    if (!node.isObject()) {
      throw new SpecException(where + ": a run spec must be a JSON object");
    }
    JsonNode modelNode = node.get("model");
    if (modelNode == null || modelNode.isNull()) {
      throw new SpecException(where + ": key 'model' is required (a preset name or a config object)");
    }
    Architecture model;
    if (modelNode.isTextual()) {
      model = presets.resolve(modelNode.asText(), where + ": model");
    } else {
      model = ModelConfigs.fromJson(modelNode, "inline", where + ": model");
    }
    return withModel(node, model, where);
  }

  /** The setup keys of {@code node} (all but {@code model}) applied to an already known model. */
  public static RunSpec withModel(JsonNode node, Architecture model, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new SpecException(where + ": unknown key '" + key + "' (known: " + String.join(", ", KEYS) + ")");
      }
    }
    Values v = new Values(node, where);
    TrainingSetup d = TrainingSetup.defaults();
    Method method = v.label("method", Method.values(), d.method());
    Quant quant = v.label("quant", Quant.values(), method == Method.QLORA ? Quant.NF4_DQ : Quant.NONE);
    int gpus = v.positiveInt("gpus", d.gpus());
    Sharding sharding = v.label("sharding", Sharding.values(), gpus > 1 ? Sharding.DDP : Sharding.NONE);
    Set<LoraTarget> targets = d.loraTargets();
    JsonNode t = node.get("lora_targets");
    if (t != null && !t.isNull()) {
      if (t.isArray()) {
        List<String> parts = new ArrayList<>();
        t.forEach(e -> parts.add(e.asText()));
        targets = LoraTarget.parseList(String.join(",", parts), "lora_targets", where);
      } else {
        targets = LoraTarget.parseList(t.asText(), "lora_targets", where);
      }
    }
    Gpu gpu;
    JsonNode g = node.get("gpu");
    if (g == null || g.isNull()) {
      gpu = GpuCatalogue.resolve(DEFAULT_GPU, where);
    } else if (g.isNumber()) {
      gpu = GpuCatalogue.ofBytes(g.asLong(), where + ": gpu");
    } else {
      gpu = GpuCatalogue.resolve(g.asText(), where + ": gpu");
    }
    try {
      Precision precision = v.label("precision", Precision.values(), d.precision());
      Loss loss = v.label("loss", Loss.values(), d.loss());
      TrainingSetup setup = new TrainingSetup.Builder()
          .method(method)
          .loraRank(v.positiveInt("lora_rank", d.loraRank()))
          .loraTargets(targets)
          .loraDropout(v.number("lora_dropout", d.loraDropout()))
          .quant(quant)
          .precision(precision)
          .optimizer(v.label("optimizer", Optimizer.values(), d.optimizer()))
          .microBatch(v.positiveInt("micro_batch", d.microBatch()))
          .seqLen(v.positiveInt("seq_len", d.seqLen()))
          .checkpointing(v.label("grad_ckpt", Checkpointing.values(), d.checkpointing()))
          .attention(v.label("attention", Attention.values(), d.attention()))
          .loss(loss)
          .gradAccum(v.positiveInt("grad_accum", d.gradAccum()))
          .gpus(gpus)
          .sharding(sharding)
          .offload(v.label("offload", Offload.values(), d.offload()))
          .expandableSegments(v.bool("expandable_segments", d.expandableSegments()))
          .tensorParallel(v.positiveInt("tensor_parallel", d.tensorParallel()))
          .optimizerInBackward(v.bool("optimizer_in_backward", d.optimizerInBackward()))
          .optimizerForeach(v.bool("optimizer_foreach", d.optimizerForeach()))
          .fsdpMixedUnits(v.bool("fsdp_mixed_units", d.fsdpMixedUnits()))
          .accumulateNoSync(v.bool("accumulate_no_sync", d.accumulateNoSync()))
          .loopKeepsOutput(v.bool("loop_keeps_output", d.loopKeepsOutput()))
          .loopKeepsLastStep(v.bool("loop_keeps_last_step", d.loopKeepsLastStep()))
          .quantKeepsInput(v.bool("quant_keeps_input", d.quantKeepsInput()))
          .fp32Norms(v.said("fp32_norms"))
          .ligerKernels(v.said("liger_kernels"))
          .framework(v.label("framework", Framework.values(), d.framework()))
          .build();
      return new RunSpec(model, setup, gpu);
    } catch (SpecException e) {
      if (e.getMessage().startsWith(where)) {
        throw e;
      }
      throw new SpecException(where + ": " + e.getMessage(), e);
    }
  }

  /** The spec as JSON with every key spelled out but the derived ones left unsaid (the model by name when it is a preset). */
  public ObjectNode toJson() {
    ObjectNode o = ModelConfigs.JSON.createObjectNode();
    if (ModelPresets.bundled().canonical(model.name()).isPresent() && model.declaredParams() == 0) {
      o.put("model", model.name());
    } else {
      ObjectNode m = o.putObject("model");
      m.put("name", model.name());
      m.put("family", model.family().label());
      m.put("layers", model.layers());
      m.put("hidden", model.hidden());
      m.put("heads", model.heads());
      m.put("kv_heads", model.kvHeads());
      m.put("head_dim", model.headDim());
      m.put("intermediate", model.intermediate());
      m.put("vocab", model.vocab());
      m.put("tied_embeddings", model.tiedEmbeddings());
      m.put("mlp", model.mlp().label());
      m.put("params", model.params());
    }
    TrainingSetup s = setup;
    o.put("method", s.method().label());
    o.put("lora_rank", s.loraRank());
    ArrayNode targets = o.putArray("lora_targets");
    for (LoraTarget target : EnumSet.copyOf(s.loraTargets().isEmpty() ? EnumSet.of(LoraTarget.Q) : s.loraTargets())) {
      targets.add(target.label());
    }
    o.put("lora_dropout", s.loraDropout());
    o.put("quant", s.quant().label());
    o.put("precision", s.precision().label());
    o.put("optimizer", s.optimizer().label());
    o.put("micro_batch", s.microBatch());
    o.put("seq_len", s.seqLen());
    o.put("grad_ckpt", s.checkpointing().label());
    o.put("attention", s.attention().label());
    o.put("loss", s.loss().label());
    o.put("grad_accum", s.gradAccum());
    o.put("gpus", s.gpus());
    o.put("sharding", s.sharding().label());
    o.put("offload", s.offload().label());
    o.put("gpu", gpu.name());
    o.put("expandable_segments", s.expandableSegments());
    o.put("tensor_parallel", s.tensorParallel());
    o.put("optimizer_in_backward", s.optimizerInBackward());
    o.put("optimizer_foreach", s.optimizerForeach());
    o.put("fsdp_mixed_units", s.fsdpMixedUnits());
    o.put("accumulate_no_sync", s.accumulateNoSync());
    o.put("loop_keeps_output", s.loopKeepsOutput());
    o.put("loop_keeps_last_step", s.loopKeepsLastStep());
    o.put("quant_keeps_input", s.quantKeepsInput());
    // Written only when said: left out, each is derived again from what it depends on.
    if (s.fp32NormsSaid() != null) {
      o.put("fp32_norms", s.fp32NormsSaid());
    }
    if (s.ligerKernelsSaid() != null) {
      o.put("liger_kernels", s.ligerKernelsSaid());
    }
    o.put("framework", s.framework().label());
    return o;
  }

  /** Typed access to the setup keys of one spec object. */
  private record Values(JsonNode node, String where) {
    <E extends Enum<E> & Labeled> E label(String key, E[] values, E fallback) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (!v.isTextual()) {
        throw new SpecException(where + ": key '" + key + "' must be a string (" + Labeled.labels(values) + "), got " + v);
      }
      return Labeled.parse(values, v.asText(), key, where);
    }

    int positiveInt(String key, int fallback) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (!v.canConvertToExactIntegral() || v.bigIntegerValue().signum() <= 0) {
        throw new SpecException(where + ": key '" + key + "' must be a positive integer, got " + v);
      }
      if (v.bigIntegerValue().compareTo(java.math.BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
        // "must be a positive integer, got 99999999999" read as if the number were not positive
        throw new SpecException(where + ": key '" + key + "' is too large: at most " + Integer.MAX_VALUE + ", got " + v);
      }
      return v.asInt();
    }

    double number(String key, double fallback) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (!v.isNumber()) {
        throw new SpecException(where + ": key '" + key + "' must be a number, got " + v);
      }
      return v.asDouble();
    }

    boolean bool(String key, boolean fallback) {
      Boolean said = said(key);
      return said == null ? fallback : said;
    }

    /** The key's boolean, or null where the spec leaves it out (its default is derived). */
    Boolean said(String key) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isBoolean()) {
        throw new SpecException(where + ": key '" + key + "' must be true or false, got " + v);
      }
      return v.asBoolean();
    }
  }
}
