package dev.headroom.analyzer.predict;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a model architecture from a Hugging Face {@code config.json} (Llama, Mistral, Qwen2/3,
 * Gemma 1-3, Phi-3/4, OLMo-2, Falcon, GPT-NeoX, Phi, GPT-2, BLOOM, BERT, T5 field names; a
 * multimodal config's {@code text_config}) or from the explicit fields of a run spec ({@code
 * layers}, {@code hidden}, …).
 */
public final class ModelConfigs {
  static final ObjectMapper JSON = new ObjectMapper();

  private ModelConfigs() {}

  /** Reads a config.json file; malformed JSON is reported with file:line:column. */
  public static Architecture readFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new SpecException(file + ": no such model config file");
    } catch (IOException e) {
      throw new SpecException(file + ": cannot read model config: " + e.getMessage());
    }
    String name = file.getFileName().toString();
    if (name.equals("config.json") && file.getParent() != null && file.getParent().getFileName() != null) {
      name = hubCacheName(file.toAbsolutePath().getParent())
          .orElse(file.getParent().getFileName().toString());
    } else if (name.endsWith(".json")) {
      name = name.substring(0, name.length() - 5);
    }
    return fromJson(readTree(text, file.toString()), name, file.toString());
  }

  /**
   * The Hub id of a snapshot folder in the Hugging Face cache ({@code
   * models--google--gemma-2-9b/snapshots/<commit>} is {@code google/gemma-2-9b}), whose own name
   * is a commit hash that would say nothing where the model is named.
   */
  private static Optional<String> hubCacheName(Path snapshot) {
    Path snapshots = snapshot.getParent();
    Path repo = snapshots == null ? null : snapshots.getParent();
    if (repo == null || repo.getFileName() == null || !snapshots.getFileName().toString().equals("snapshots")) {
      return Optional.empty();
    }
    String folder = repo.getFileName().toString();
    if (!folder.startsWith("models--") || folder.length() <= "models--".length()) {
      return Optional.empty();
    }
    return Optional.of(folder.substring("models--".length()).replace("--", "/"));
  }

  /**
   * The quantisation a checkpoint's {@code config.json} declares: transformers writes {@code
   * quantization_config} when it saves a quantised model, and such weights load quantised whatever
   * the training setup says. "bitsandbytes 4-bit", "bitsandbytes 8-bit", or the method's own name
   * (gptq, awq, fp8, ...); empty when the config declares none.
   */
  public static Optional<String> declaredQuantization(JsonNode config) {
    JsonNode q = config.path("quantization_config");
    if (!q.isObject()) {
      return Optional.empty();
    }
    // Recent transformers also write (or only write) the private _load_in_4bit/_load_in_8bit.
    if (q.path("load_in_4bit").asBoolean(false) || q.path("_load_in_4bit").asBoolean(false)) {
      return Optional.of("bitsandbytes 4-bit");
    }
    if (q.path("load_in_8bit").asBoolean(false) || q.path("_load_in_8bit").asBoolean(false)) {
      return Optional.of("bitsandbytes 8-bit");
    }
    String method = q.path("quant_method").asText("");
    return Optional.of(method.isEmpty() ? "an unnamed method" : method);
  }

  /** Parses JSON text into a tree, turning Jackson's errors into file:line:column messages. */
  static JsonNode readTree(String text, String where) {
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new SpecException(where + ": empty file, expected a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String position = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
      throw new SpecException(where + position + ": malformed JSON: " + JsonSyntaxMessage.of(e));
    }
  }

  /**
   * An inline model object of a run spec: a config.json (it has {@code model_type} or
   * {@code hidden_size}) or the explicit fields.
   */
  public static Architecture fromJson(JsonNode node, String name, String where) {
    if (!node.isObject()) {
      throw new SpecException(where + ": model config must be a JSON object, got " + node.getNodeType());
    }
    if (node.has("model_type") || node.has("hidden_size") || node.has("n_embd") || node.has("d_model")) {
      return fromHfConfig(node, name, where);
    }
    return fromExplicit(node, name, where);
  }

  /** The explicit fields of a run spec or a calibration row. */
  public static Architecture fromExplicit(JsonNode node, String name, String where) {
    Fields f = new Fields(node, where);
    String display = f.text("name", name);
    String spelled = f.text("family", "llama");
    Family family = explicitFamily(spelled, where);
    int layers = f.intRequired("layers");
    long hidden = f.longRequired("hidden");
    int heads = f.intRequired("heads");
    int kvHeads = f.intOr("kv_heads", heads);
    long headDim = headDim(f, "head_dim", hidden, heads, where);
    long intermediate = f.longRequired("intermediate");
    long vocab = f.longRequired("vocab");
    boolean tied = f.bool("tied_embeddings", false);
    MlpKind mlp = f.has("mlp")
        ? Labeled.parse(MlpKind.values(), f.text("mlp", "swiglu"), "mlp", where)
        : defaultMlp(family, spelled);
    long params = f.longOr("params", 0);
    f.rejectUnknown("name", "family", "layers", "hidden", "heads", "kv_heads", "head_dim",
        "intermediate", "vocab", "tied_embeddings", "mlp", "params");
    return plausible(new Architecture(display, family, layers, hidden, heads, kvHeads, headDim,
        intermediate, vocab, tied, mlp, 0, 0, params), where);
  }

  /**
   * An explicit {@code family}: a family label, or the {@code model_type} HF writes for a model of
   * that layout ({@code mistral}, {@code gemma}, {@code gemma3_text}, {@code olmo3}, ...).
   */
  private static Family explicitFamily(String spelled, String where) {
    String type = spelled.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    Family aliased = switch (type) {
      case "mistral", "gemma", "stablelm", "granite", "smollm3" -> Family.LLAMA;
      case "qwen2_vl", "qwen2_5_vl" -> Family.QWEN2;
      case "gemma3_text" -> Family.GEMMA3;
      case "olmo3" -> Family.OLMO2;
      case "refinedweb", "refinedwebmodel" -> Family.FALCON;
      case "roberta" -> Family.BERT;
      case "mt5" -> Family.T5;
      default -> null;
    };
    return aliased != null ? aliased : Labeled.parse(Family.values(), spelled, "family", where);
  }

  /**
   * The feed-forward a family has when {@code mlp} is not given: a gate matrix that a GPT-2 or
   * Falcon block does not have would be counted otherwise.
   */
  private static MlpKind defaultMlp(Family family, String spelled) {
    if (spelled.trim().toLowerCase(Locale.ROOT).startsWith("gemma")) {
      return MlpKind.GEGLU;
    }
    return switch (family) {
      case FALCON, GPT_NEOX, PHI, GPT2, BLOOM, BERT -> MlpKind.GELU;
      case T5 -> MlpKind.GEGLU; // v1.1's gated-gelu, as the family is described
      default -> MlpKind.SWIGLU;
    };
  }

  /** Roughly the largest parameter count any config describes, times a hundred. */
  private static final double MAX_PLAUSIBLE_PARAMS = 1e14;

  /**
   * Refuses sizes whose parameter count is beyond any model (a typo, a value pasted twice):
   * the byte counts computed from them would overflow a long and print as nonsense.
   */
  private static Architecture plausible(Architecture a, String where) {
    double h = a.hidden();
    double perLayer = h * ((double) a.heads() * a.headDim() + 2.0 * a.kvHeads() * a.headDim())
        + (double) a.heads() * a.headDim() * h + 3.0 * h * a.intermediate();
    double params = a.layers() * perLayer + 2.0 * a.vocab() * h + (double) a.learnedPositions() * h
        + a.extraParams() + a.declaredParams();
    if (params > MAX_PLAUSIBLE_PARAMS) {
      throw new SpecException(String.format(Locale.ROOT, "%s: these sizes give about %.2g parameters "
          + "(layers %d, hidden %d, intermediate %d, vocab %d, head_dim %d): check them",
          where, params, a.layers(), a.hidden(), a.intermediate(), a.vocab(), a.headDim()));
    }
    return a;
  }

  private static long headDim(Fields f, String key, long hidden, int heads, String where) {
    if (f.has(key)) {
      return f.longRequired(key);
    }
    if (heads > 0 && hidden % heads != 0) {
      throw new SpecException(where + ": heads (" + heads + ") do not divide hidden (" + hidden
          + ") and no " + key + " is given");
    }
    return heads > 0 ? hidden / heads : 0;
  }

  /** A Hugging Face config.json. */
  public static Architecture fromHfConfig(JsonNode node, String name, String where) {
    JsonNode text = node.get("text_config");
    if (text != null && text.isObject() && !node.has("hidden_size")) {
      return multimodal(node, (ObjectNode) text, name, where);
    }
    if (node.path("model_type").asText().toLowerCase(Locale.ROOT).equals("gemma3_text") && node.isObject()) {
      // Released Gemma-3 configs leave out what equals the config class's defaults.
      node = withDefaults(((ObjectNode) node).deepCopy(), GEMMA3_TEXT_DEFAULTS);
    }
    Fields f = new Fields(node, where);
    String type = f.text("model_type", "").toLowerCase(Locale.ROOT);
    for (String moe : new String[] {"num_local_experts", "num_experts", "n_routed_experts",
        "moe_num_experts"}) {
      if (f.has(moe)) {
        throw new SpecException(where + ": '" + moe + "' makes this a mixture-of-experts model ("
            + type + "), which the predictor does not model; give a dense model");
      }
    }
    JsonNode vision = node.get("vision_config");
    if (vision != null && vision.isObject()) {
      // Qwen2-VL and Qwen2.5-VL keep the language model's sizes at the top level.
      name = noted(name, VISION_NOT_COUNTED);
    }
    return plausible(switch (type) {
      case "falcon", "refinedweb", "refinedwebmodel" -> falcon(f, name, where);
      case "gpt_neox" -> neox(f, name, where);
      case "phi" -> phi(f, name, where);
      case "gpt2" -> gpt2(f, name, where);
      case "bloom" -> bloom(f, name, where);
      case "bert", "roberta" -> bert(f, name, where);
      case "t5", "mt5" -> t5(f, name, where);
      default -> llamaLike(f, type, name, where);
    }, where);
  }

  private static final String VISION_NOT_COUNTED = "language model only: its vision tower is not counted";

  /** Adds a note to a model's name, inside the parentheses of a note already there. */
  private static String noted(String name, String note) {
    if (name.endsWith(VISION_NOT_COUNTED + ")")) {
      return name.substring(0, name.length() - 1) + "; " + note + ")";
    }
    return name + " (" + note + ")";
  }

  /**
   * The {@code model_type} a multimodal config class gives its {@code text_config} when the file
   * leaves it out (LlavaConfig: llama, Mistral3Config: mistral); other outer types lend their own.
   */
  private static String textModelType(String outer) {
    return switch (outer) {
      case "gemma3" -> "gemma3_text";
      case "llava", "llava_next", "vipllava" -> "llama";
      case "llava_onevision" -> "qwen2";
      case "mistral3" -> "mistral";
      default -> outer;
    };
  }

  /** transformers' {@code Gemma3TextConfig} defaults (the 4B model's sizes but for width and depth). */
  private static final Map<String, Object> GEMMA3_TEXT_DEFAULTS = Map.of(
      "vocab_size", 262_208, "hidden_size", 2304, "intermediate_size", 9216, "num_hidden_layers", 26,
      "num_attention_heads", 8, "num_key_value_heads", 4, "head_dim", 256,
      "hidden_activation", "gelu_pytorch_tanh", "tie_word_embeddings", true);

  /**
   * transformers' {@code LlamaConfig} and {@code MistralConfig} defaults, which LLaVA-1.5 and
   * LLaVA-NeXT text_configs rely on (Vicuna-7B and Mistral-7B have exactly these sizes).
   */
  private static final Map<String, Object> LLAMA_TEXT_DEFAULTS = Map.of(
      "vocab_size", 32_000, "hidden_size", 4096, "intermediate_size", 11_008, "num_hidden_layers", 32,
      "num_attention_heads", 32);
  private static final Map<String, Object> MISTRAL_TEXT_DEFAULTS = Map.of(
      "vocab_size", 32_000, "hidden_size", 4096, "intermediate_size", 14_336, "num_hidden_layers", 32,
      "num_attention_heads", 32, "num_key_value_heads", 8);

  /** transformers' {@code SiglipVisionConfig} defaults. */
  private static final Map<String, Object> SIGLIP_VISION_DEFAULTS = Map.of(
      "hidden_size", 768, "intermediate_size", 3072, "num_hidden_layers", 12, "num_channels", 3,
      "image_size", 224, "patch_size", 16);

  private static ObjectNode withDefaults(ObjectNode node, Map<String, Object> defaults) {
    defaults.forEach((key, value) -> {
      if (!node.has(key) || node.get(key).isNull()) {
        node.set(key, JSON.valueToTree(value));
      }
    });
    return node;
  }

  /**
   * A multimodal checkpoint (Gemma-3 4B and up, LLaVA, Mistral-3, Qwen2-VL, ...) nests its
   * language model under {@code text_config}. The language model is what trains on text; Gemma-3's
   * SigLIP tower and projector are counted exactly as parameters outside the blocks (their weights
   * are loaded and, in full fine-tuning, trained; image activations are not counted). Other
   * towers are not counted, and the model's name says so.
   */
  private static Architecture multimodal(JsonNode node, ObjectNode text, String name, String where) {
    Fields outer = new Fields(node, where);
    String type = outer.text("model_type", "").toLowerCase(Locale.ROOT);
    ObjectNode lm = text.deepCopy();
    if (!lm.has("model_type") && !type.isEmpty()) {
      lm.put("model_type", textModelType(type));
    }
    String textType = lm.path("model_type").asText("").toLowerCase(Locale.ROOT);
    if (textType.equals("llama")) {
      withDefaults(lm, LLAMA_TEXT_DEFAULTS);
    } else if (textType.equals("mistral")) {
      withDefaults(lm, MISTRAL_TEXT_DEFAULTS);
    }
    JsonNode vision = node.get("vision_config");
    boolean gemma3Tower = type.equals("gemma3") && vision != null && vision.isObject();
    // Released multimodal configs leave out what equals the config class's defaults.
    if (gemma3Tower) {
      vision = withDefaults(((ObjectNode) vision).deepCopy(), SIGLIP_VISION_DEFAULTS);
    }
    String shown = gemma3Tower ? name : noted(name, VISION_NOT_COUNTED);
    Architecture a = fromHfConfig(lm, shown, where + " text_config");
    if (!gemma3Tower) {
      return a;
    }
    Fields v = new Fields(vision, where + " vision_config");
    long vh = v.longRequired("hidden_size");
    long vi = v.longRequired("intermediate_size");
    long patch = v.longRequired("patch_size");
    long image = v.longRequired("image_size");
    long channels = v.longOr("num_channels", 3);
    // SigLIP ViT: q/k/v/o and fc1/fc2 with biases, two LayerNorms per layer, a patch convolution
    // with bias, learned positions, a final LayerNorm; Gemma-3's projector is one vision×text
    // matrix and an RMSNorm over the vision width.
    long perLayer = 4 * vh * vh + 4 * vh + 2 * vh * vi + vi + vh + 4 * vh;
    long tower = v.intRequired("num_hidden_layers") * perLayer
        + channels * patch * patch * vh + vh
        + (image / patch) * (image / patch) * vh
        + 2 * vh;
    long projector = vh * a.hidden() + vh;
    double towerApprox = (double) v.intRequired("num_hidden_layers") * (4.0 * vh * vh + 2.0 * vh * vi)
        + (double) channels * patch * patch * vh + Math.pow((double) image / patch, 2) * vh;
    if (towerApprox > MAX_PLAUSIBLE_PARAMS) {
      throw new SpecException(String.format(Locale.ROOT, "%s vision_config: these sizes give about %.2g "
          + "parameters: check them", where, towerApprox));
    }
    return plausible(new Architecture(a.name(), a.family(), a.layers(), a.hidden(), a.heads(), a.kvHeads(),
        a.headDim(), a.intermediate(), a.vocab(), a.tiedEmbeddings(), a.mlp(), a.learnedPositions(),
        a.extraParams() + tower + projector, a.declaredParams()), where);
  }

  private static Architecture llamaLike(Fields f, String type, String name, String where) {
    Family family = switch (type) {
      case "qwen2", "qwen2_vl", "qwen2_5_vl", "qwen2_vl_text", "qwen2_5_vl_text" -> Family.QWEN2;
      case "qwen3" -> Family.QWEN3;
      case "phi3" -> Family.PHI3;
      case "gemma2" -> Family.GEMMA2;
      case "gemma3", "gemma3_text" -> Family.GEMMA3;
      case "olmo2", "olmo3" -> Family.OLMO2;
      default -> Family.LLAMA;
    };
    boolean known = switch (type) {
      // granite (Llama plus scalar multipliers) and smollm3 (Llama with RoPE off in some layers)
      // keep the Llama block, so they count as it does.
      case "llama", "mistral", "qwen2", "gemma", "gemma2", "gemma3", "gemma3_text", "phi3", "qwen3",
          "olmo2", "olmo3", "stablelm", "granite", "smollm3", "qwen2_vl", "qwen2_5_vl",
          "qwen2_vl_text", "qwen2_5_vl_text" -> true;
      default -> false;
    };
    f.unknownType = known ? null : type;
    if (!known) {
      // Counted with the Llama layout when the Llama field names are there; say so where the
      // model is named, since a different block layout changes both counts.
      name = noted(name, (type.isEmpty() ? "no model_type" : "model_type '" + type + "' unknown")
          + ": counted as a Llama-style decoder");
    }
    long hidden = f.longRequired("hidden_size");
    int heads = f.intRequired("num_attention_heads");
    int kvHeads = f.intOr("num_key_value_heads", heads);
    // Qwen3Config and GemmaConfig/Gemma2Config default head_dim to 128 and 256, not hidden / heads.
    long classHeadDim = switch (type) {
      case "qwen3" -> 128;
      case "gemma", "gemma2" -> 256;
      default -> 0;
    };
    long headDim = classHeadDim > 0 && !f.has("head_dim") ? classHeadDim : headDim(f, "head_dim", hidden, heads, where);
    // Gemma's config classes default to the tanh-approximated GeLU; the others to SiLU.
    String defaultAct = type.startsWith("gemma") ? "gelu_pytorch_tanh" : "silu";
    String act = f.text("hidden_act", f.text("hidden_activation", defaultAct)).toLowerCase(Locale.ROOT);
    MlpKind mlp = act.startsWith("gelu") ? MlpKind.GEGLU : MlpKind.SWIGLU;
    boolean tiedDefault = type.startsWith("gemma");
    if (family == Family.LLAMA && f.bool("attention_bias", false)) {
      family = Family.QWEN2;
    }
    return new Architecture(name, family, f.intRequired("num_hidden_layers"), hidden, heads, kvHeads,
        headDim, f.longRequired("intermediate_size"), f.longRequired("vocab_size"),
        f.bool("tie_word_embeddings", tiedDefault), mlp, 0, 0, 0);
  }

  private static Architecture falcon(Fields f, String name, String where) {
    long hidden = f.longRequired("hidden_size");
    int heads = f.intRequired(f.has("num_attention_heads") ? "num_attention_heads" : "n_head");
    boolean newArch = f.bool("new_decoder_architecture", false);
    int kvHeads = newArch
        ? f.intOr("num_kv_heads", heads)
        : (f.bool("multi_query", true) ? 1 : f.intOr("num_kv_heads", heads));
    long headDim = headDim(f, "head_dim", hidden, heads, where);
    long ffn = f.longOr("ffn_hidden_size", 4 * hidden);
    int layers = f.intRequired(f.has("num_hidden_layers") ? "num_hidden_layers" : "n_layer");
    // The new decoder architecture (Falcon-40B/180B) has a second LayerNorm per block (ln_mlp).
    long secondNorms = newArch ? (long) layers * 2 * hidden : 0;
    return new Architecture(name, Family.FALCON, layers, hidden, heads, kvHeads, headDim, ffn,
        f.longRequired("vocab_size"), f.bool("tie_word_embeddings", true), MlpKind.GELU, 0,
        secondNorms, 0);
  }

  private static Architecture neox(Fields f, String name, String where) {
    long hidden = f.longRequired("hidden_size");
    int heads = f.intRequired("num_attention_heads");
    return new Architecture(name, Family.GPT_NEOX, f.intRequired("num_hidden_layers"), hidden, heads,
        heads, headDim(f, "head_dim", hidden, heads, where), f.longRequired("intermediate_size"),
        f.longRequired("vocab_size"), f.bool("tie_word_embeddings", false), MlpKind.GELU, 0, 0, 0);
  }

  private static Architecture phi(Fields f, String name, String where) {
    long hidden = f.longRequired("hidden_size");
    int heads = f.intRequired("num_attention_heads");
    int kvHeads = f.intOr("num_key_value_heads", heads);
    return new Architecture(name, Family.PHI, f.intRequired("num_hidden_layers"), hidden, heads,
        kvHeads, headDim(f, "head_dim", hidden, heads, where), f.longRequired("intermediate_size"),
        f.longRequired("vocab_size"), f.bool("tie_word_embeddings", false), MlpKind.GELU, 0, 0, 0);
  }

  private static Architecture gpt2(Fields f, String name, String where) {
    long hidden = f.longRequired("n_embd");
    int heads = f.intRequired("n_head");
    long inner = f.longOr("n_inner", 4 * hidden);
    return new Architecture(name, Family.GPT2, f.intRequired("n_layer"), hidden, heads, heads,
        headDim(f, "head_dim", hidden, heads, where), inner, f.longRequired("vocab_size"),
        f.bool("tie_word_embeddings", true), MlpKind.GELU, f.longOr("n_positions", 1024), 0, 0);
  }

  private static Architecture bloom(Fields f, String name, String where) {
    long hidden = f.longRequired(f.has("hidden_size") ? "hidden_size" : "n_embed");
    int heads = f.intRequired(f.has("n_head") ? "n_head" : "num_attention_heads");
    int layers = f.intRequired(f.has("n_layer") ? "n_layer" : "num_hidden_layers");
    // word_embeddings_layernorm: weight + bias after the embedding.
    return new Architecture(name, Family.BLOOM, layers, hidden, heads, heads,
        headDim(f, "head_dim", hidden, heads, where), 4 * hidden, f.longRequired("vocab_size"),
        f.bool("tie_word_embeddings", true), MlpKind.GELU, 0, 2 * hidden, 0);
  }

  private static Architecture bert(Fields f, String name, String where) {
    long hidden = f.longRequired("hidden_size");
    int heads = f.intRequired("num_attention_heads");
    long labels = f.node.has("id2label") ? f.node.get("id2label").size() : 2;
    long typeVocab = f.longOr("type_vocab_size", 2);
    // token-type embeddings + pooler (h×h + h) + classifier (h×labels + labels); the embedding
    // LayerNorm takes the place of a final norm in the count.
    long extra = typeVocab * hidden + hidden * hidden + hidden + hidden * labels + labels;
    return new Architecture(name, Family.BERT, f.intRequired("num_hidden_layers"), hidden, heads,
        heads, headDim(f, "head_dim", hidden, heads, where), f.longRequired("intermediate_size"),
        f.longRequired("vocab_size"), true, MlpKind.GELU, f.longOr("max_position_embeddings", 512),
        extra, 0);
  }

  private static Architecture t5(Fields f, String name, String where) {
    long hidden = f.longRequired("d_model");
    int heads = f.intRequired("num_heads");
    long headDim = f.longOr("d_kv", hidden / heads);
    int encoder = f.intRequired("num_layers");
    int decoder = f.intOr("num_decoder_layers", encoder);
    String proj = f.text("feed_forward_proj", "relu");
    MlpKind mlp = proj.startsWith("gated") ? MlpKind.GEGLU : MlpKind.GELU;
    long attention = 4 * hidden * heads * headDim;
    // Each decoder block adds cross-attention and its norm; the second final norm and the
    // relative-position bias tables (32 buckets × heads, encoder and decoder) complete the count.
    long extra = decoder * (attention + hidden) + hidden + 2L * 32 * heads;
    return new Architecture(name, Family.T5, encoder + decoder, hidden, heads, heads, headDim,
        f.longRequired("d_ff"), f.longRequired("vocab_size"),
        f.bool("tie_word_embeddings", true), mlp, 0, extra, 0);
  }

  /** Typed, located access to the fields of one JSON object. */
  static final class Fields {
    final JsonNode node;
    final String where;
    String unknownType;

    Fields(JsonNode node, String where) {
      this.node = node;
      this.where = where;
    }

    boolean has(String key) {
      return node.has(key) && !node.get(key).isNull();
    }

    String text(String key, String fallback) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (!v.isTextual()) {
        throw new SpecException(where + ": field '" + key + "' must be a string, got " + v);
      }
      return v.asText();
    }

    boolean bool(String key, boolean fallback) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (v.isBoolean()) {
        return v.asBoolean();
      }
      if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
        return Boolean.parseBoolean(v.asText());
      }
      throw new SpecException(where + ": field '" + key + "' must be true or false, got " + v);
    }

    long longRequired(String key) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        String context = unknownType == null ? ""
            : unknownType.isEmpty() ? " (no model_type, so the Llama field names were tried)"
            : " (unknown model_type '" + unknownType + "', so the Llama field names were tried)";
        throw new SpecException(where + ": required field '" + key + "' is missing" + context);
      }
      if (!v.canConvertToExactIntegral() && !(v.isTextual() && v.asText().matches("-?\\d+"))) {
        throw new SpecException(where + ": field '" + key + "' must be an integer, got " + v);
      }
      // Exact first: a long would wrap a 20-digit value round to a negative or a small one.
      BigInteger exact = v.isTextual() ? new BigInteger(v.asText()) : v.bigIntegerValue();
      if (exact.bitLength() > 63) {
        throw new SpecException(where + ": field '" + key + "' is too large: " + v);
      }
      long value = exact.longValue();
      if (value <= 0) {
        throw new SpecException(where + ": field '" + key + "' must be > 0, got " + value);
      }
      return value;
    }

    int intRequired(String key) {
      long value = longRequired(key);
      if (value > Integer.MAX_VALUE) {
        throw new SpecException(where + ": field '" + key + "' is too large: " + value);
      }
      return (int) value;
    }

    long longOr(String key, long fallback) {
      return has(key) ? longRequired(key) : fallback;
    }

    int intOr(String key, int fallback) {
      return has(key) ? intRequired(key) : fallback;
    }

    void rejectUnknown(String... known) {
      if (!(node instanceof ObjectNode object)) {
        return;
      }
      var names = object.fieldNames();
      while (names.hasNext()) {
        String key = names.next();
        boolean ok = false;
        for (String k : known) {
          ok |= k.equals(key);
        }
        if (!ok) {
          throw new SpecException(where + ": unknown model field '" + key + "' (expected "
              + String.join(", ", known) + ")");
        }
      }
    }
  }
}
