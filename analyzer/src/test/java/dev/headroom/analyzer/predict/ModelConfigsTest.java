package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigsTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void aConfigJsonFileIsReadByPathAndNamedAfterItsFolder() throws IOException {
    Path model = Files.createDirectories(dir.resolve("Meta-Llama-3-8B"));
    Files.copy(Path.of("..", "samples", "models", "llama-3-8b.json"), model.resolve("config.json"));
    Architecture a = ModelPresets.bundled().resolve(model.toString(), "--model");
    assertThat(a.name()).isEqualTo("Meta-Llama-3-8B");
    assertThat(a.params()).isEqualTo(8_030_261_248L);
  }

  @Test
  void truncatedConfigIsReportedWithFileAndLine() throws IOException {
    Path file = write("config.json", "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 40");
    assertThatThrownBy(() -> ModelConfigs.readFile(file))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith(file + ":3:")
        .hasMessageContaining("malformed JSON")
        // Jackson appends "(start marker at [Source: REDACTED (`StreamReadFeature...` disabled); ...])"
        .hasMessageContaining("Unexpected end-of-input")
        .hasMessageNotContaining("Source:")
        .hasMessageNotContaining("StreamReadFeature");
  }

  @Test
  void unknownModelTypeWithMissingFieldsNamesTheField() throws IOException {
    Path file = write("odd.json", "{\"model_type\": \"mamba\", \"hidden_size\": 768, \"num_hidden_layers\": 24}");
    assertThatThrownBy(() -> ModelConfigs.readFile(file))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("'num_attention_heads' is missing")
        .hasMessageContaining("unknown model_type 'mamba'");
  }

  @Test
  void unknownModelTypeWithLlamaFieldsStillWorks() throws IOException {
    Path file = write("custom.json", "{\"model_type\": \"my-llama\", \"hidden_size\": 2048, \"num_hidden_layers\": 16,"
        + "\"num_attention_heads\": 32, \"num_key_value_heads\": 8, \"intermediate_size\": 8192,"
        + "\"vocab_size\": 128256, \"tie_word_embeddings\": true, \"head_dim\": 64}");
    Architecture a = ModelConfigs.readFile(file);
    assertThat(a.params()).isEqualTo(1_235_814_400L); // Llama-3.2-1B
    // The approximation is visible wherever the model is named.
    assertThat(a.name()).contains("model_type 'my-llama' unknown: counted as a Llama-style decoder");
  }

  @Test
  void theNewerDecoderLayoutsGetTheirOwnFamilies() {
    ModelPresets p = ModelPresets.bundled();
    assertThat(p.find("qwen3-8b").orElseThrow().family()).isEqualTo(Family.QWEN3);
    assertThat(p.find("gemma-2-9b").orElseThrow().family()).isEqualTo(Family.GEMMA2);
    assertThat(p.find("gemma-3-1b").orElseThrow().family()).isEqualTo(Family.GEMMA3);
    assertThat(p.find("phi-3-mini-4k").orElseThrow().family()).isEqualTo(Family.PHI3);
    assertThat(p.find("gemma-2-9b").orElseThrow().family().normsPerLayer()).isEqualTo(4);
    assertThat(p.find("gemma-3-1b").orElseThrow().mlp()).isEqualTo(MlpKind.GEGLU);
    assertThat(p.find("gemma-3-1b").orElseThrow().tiedEmbeddings()).isTrue();
  }

  @Test
  void aGemma3MultimodalConfigCountsItsLanguageModelFromClassDefaultsAndItsTowerExactly() {
    // The released gemma-3-4b config.json gives only the text model's width and depth; heads, KV
    // heads, head_dim and vocabulary are Gemma3TextConfig defaults. 4,300,079,472 is the published
    // total: 3,880,263,168 (language model) + 416,866,032 (SigLIP) + 2,950,272 (projector).
    Architecture a = ModelPresets.bundled().find("gemma-3-4b").orElseThrow();
    assertThat(a.heads()).isEqualTo(8);
    assertThat(a.kvHeads()).isEqualTo(4);
    assertThat(a.vocab()).isEqualTo(262_208);
    assertThat(a.params()).isEqualTo(4_300_079_472L);
    assertThat(a.extraParams()).isEqualTo(416_866_032L + 2_950_272L);
    assertThat(a.name()).isEqualTo("gemma-3-4b");
  }

  @Test
  void anotherMultimodalConfigPredictsItsLanguageModelAndSaysTheTowerIsLeftOut() throws IOException {
    Path file = write("llava.json", "{\"model_type\": \"llava\", \"text_config\": {\"model_type\": \"llama\","
        + "\"hidden_size\": 4096, \"num_hidden_layers\": 32, \"num_attention_heads\": 32,"
        + "\"intermediate_size\": 11008, \"vocab_size\": 32064}, \"vision_config\": {\"hidden_size\": 1024}}");
    Architecture a = ModelConfigs.readFile(file);
    assertThat(a.name()).isEqualTo("llava (language model only: its vision tower is not counted)");
    assertThat(a.layers()).isEqualTo(32);
    assertThat(a.extraParams()).isZero();
  }

  @Test
  void aTextConfigWithoutItsOwnModelTypeTakesTheOuterOne() throws IOException {
    Path file = write("vlm.json", "{\"model_type\": \"qwen3\", \"text_config\": {"
        + "\"hidden_size\": 1024, \"num_hidden_layers\": 28, \"num_attention_heads\": 16, \"num_key_value_heads\": 8,"
        + "\"head_dim\": 128, \"intermediate_size\": 3072, \"vocab_size\": 151936, \"tie_word_embeddings\": true}}");
    Architecture a = ModelConfigs.readFile(file);
    assertThat(a.family()).isEqualTo(Family.QWEN3);
    assertThat(a.params()).isEqualTo(596_049_920L); // Qwen3-0.6B
  }

  @Test
  void wrongTypesAndNonPositiveSizesAreNamed() throws IOException {
    Path file = write("bad.json", "{\"model_type\": \"llama\", \"hidden_size\": \"big\"}");
    assertThatThrownBy(() -> ModelConfigs.readFile(file)).hasMessageContaining("'hidden_size' must be an integer");
    Path zero = write("zero.json", "{\"model_type\": \"llama\", \"hidden_size\": 0}");
    assertThatThrownBy(() -> ModelConfigs.readFile(zero)).hasMessageContaining("'hidden_size' must be > 0");
  }

  @Test
  void missingFileIsAClearError() {
    Path file = dir.resolve("nope.json");
    assertThatThrownBy(() -> ModelConfigs.readFile(file)).hasMessageContaining("no such model config file");
  }

  @Test
  void familiesAreRecognisedFromModelType() {
    ModelPresets p = ModelPresets.bundled();
    assertThat(p.find("falcon-7b").orElseThrow().kvHeads()).isEqualTo(1);
    assertThat(p.find("falcon-7b").orElseThrow().family()).isEqualTo(Family.FALCON);
    assertThat(p.find("gemma-7b").orElseThrow().mlp()).isEqualTo(MlpKind.GEGLU);
    assertThat(p.find("gemma-7b").orElseThrow().headDim()).isEqualTo(256);
    assertThat(p.find("qwen2-7b").orElseThrow().family()).isEqualTo(Family.QWEN2);
    assertThat(p.find("gpt-neox-20b").orElseThrow().family().parallelResidual()).isTrue();
    assertThat(p.find("bert-large-uncased").orElseThrow().hasLmHead()).isFalse();
  }

  @Test
  void mixtureOfExpertsIsRefusedRatherThanCountedAsDense() throws IOException {
    Path file = write("mixtral.json", "{\"model_type\": \"mixtral\", \"hidden_size\": 4096, \"num_local_experts\": 8}");
    assertThatThrownBy(() -> ModelConfigs.readFile(file)).hasMessageContaining("mixture-of-experts");
    // ERNIE-4.5 MoE spells its expert count its own way; dense-counted it would be 3.6B of 21B.
    Path ernie = write("ernie.json", "{\"model_type\": \"ernie4_5_moe\", \"hidden_size\": 2560,"
        + " \"num_hidden_layers\": 28, \"num_attention_heads\": 20, \"intermediate_size\": 12288,"
        + " \"vocab_size\": 103424, \"moe_num_experts\": 64}");
    assertThatThrownBy(() -> ModelConfigs.readFile(ernie)).hasMessageContaining("'moe_num_experts' makes this a mixture-of-experts");
  }

  @Test
  void aTwentyDigitSizeIsRefusedNotWrappedOrThrownRaw() throws IOException {
    Path text = write("text.json", "{\"model_type\": \"qwen3\", \"hidden_size\": 4096, \"num_hidden_layers\": 36,"
        + "\"num_attention_heads\": 32, \"intermediate_size\": 12288, \"vocab_size\": \"99999999999999999999\"}");
    assertThatThrownBy(() -> ModelConfigs.readFile(text)).isInstanceOf(SpecException.class)
        .hasMessageContaining("'vocab_size' is too large");
    Path number = write("number.json", "{\"model_type\": \"qwen3\", \"hidden_size\": 4096, \"num_hidden_layers\": 36,"
        + "\"num_attention_heads\": 32, \"intermediate_size\": 12288, \"vocab_size\": 99999999999999999999}");
    assertThatThrownBy(() -> ModelConfigs.readFile(number)).isInstanceOf(SpecException.class)
        .hasMessageContaining("'vocab_size' is too large");
    // fits a long, but vocab × hidden does not: refused before any byte count wraps
    Path huge = write("huge.json", "{\"model_type\": \"qwen3\", \"hidden_size\": 4096, \"num_hidden_layers\": 36,"
        + "\"num_attention_heads\": 32, \"intermediate_size\": 12288, \"vocab_size\": 9223372036854775807}");
    assertThatThrownBy(() -> ModelConfigs.readFile(huge)).isInstanceOf(SpecException.class)
        .hasMessageContaining("parameters").hasMessageContaining("vocab 9223372036854775807");
  }

  @Test
  void aMissingHeadDimTakesTheConfigClassDefaultNotHiddenOverHeads() throws IOException {
    // Qwen3-0.6B: hidden 1024 / 16 heads = 64, but Qwen3Config's head_dim is 128.
    Path qwen = write("qwen3.json", "{\"model_type\": \"qwen3\", \"hidden_size\": 1024, \"num_hidden_layers\": 28,"
        + "\"num_attention_heads\": 16, \"num_key_value_heads\": 8, \"intermediate_size\": 3072,"
        + "\"vocab_size\": 151936, \"tie_word_embeddings\": true}");
    assertThat(ModelConfigs.readFile(qwen).params()).isEqualTo(596_049_920L);
    // Gemma-2-2B: 2304 / 8 = 288, Gemma2Config's head_dim is 256.
    Path gemma = write("gemma2.json", "{\"model_type\": \"gemma2\", \"hidden_size\": 2304, \"num_hidden_layers\": 26,"
        + "\"num_attention_heads\": 8, \"num_key_value_heads\": 4, \"intermediate_size\": 9216,"
        + "\"vocab_size\": 256000}");
    assertThat(ModelConfigs.readFile(gemma).params()).isEqualTo(2_614_341_888L);
  }

  @Test
  void anExplicitFamilyBringsItsFeedForwardAndAcceptsHfModelTypes() {
    // GPT-2 small without "mlp": no gate matrix (124,439,808 with its 1024 learned positions,
    // which the explicit fields cannot give: 1024 × 768 fewer).
    var gpt2 = ModelConfigs.JSON.createObjectNode().put("family", "gpt2").put("layers", 12).put("hidden", 768)
        .put("heads", 12).put("intermediate", 3072).put("vocab", 50257).put("tied_embeddings", true);
    Architecture a = ModelConfigs.fromExplicit(gpt2, "gpt2", "spec");
    assertThat(a.mlp()).isEqualTo(MlpKind.GELU);
    assertThat(a.params()).isEqualTo(124_439_808L - 1024L * 768);
    var gemma = ModelConfigs.JSON.createObjectNode().put("family", "gemma").put("layers", 18).put("hidden", 2048)
        .put("heads", 8).put("kv_heads", 1).put("head_dim", 256).put("intermediate", 16384).put("vocab", 256000)
        .put("tied_embeddings", true);
    Architecture g = ModelConfigs.fromExplicit(gemma, "gemma-2b", "spec");
    assertThat(g.family()).isEqualTo(Family.LLAMA);
    assertThat(g.mlp()).isEqualTo(MlpKind.GEGLU);
    assertThat(g.params()).isEqualTo(2_506_172_416L);
    var gemma3 = gemma.deepCopy().put("family", "gemma3_text");
    assertThat(ModelConfigs.fromExplicit(gemma3, "g3", "spec").family()).isEqualTo(Family.GEMMA3);
    var bad = gemma.deepCopy().put("family", "mamba");
    assertThatThrownBy(() -> ModelConfigs.fromExplicit(bad, "m", "spec"))
        .hasMessageContaining("family 'mamba' is not one of llama|");
  }

  @Test
  void aVisionConfigBesideTopLevelSizesIsNamedAsNotCounted() throws IOException {
    // Qwen2.5-VL-7B keeps its language model at the top level; q/k/v biases as Qwen2.
    Path file = write("qwen25vl.json", "{\"model_type\": \"qwen2_5_vl\", \"hidden_size\": 3584,"
        + "\"intermediate_size\": 18944, \"num_attention_heads\": 28, \"num_hidden_layers\": 28,"
        + "\"num_key_value_heads\": 4, \"vocab_size\": 152064, \"tie_word_embeddings\": false,"
        + "\"vision_config\": {\"depth\": 32, \"hidden_size\": 1280}}");
    Architecture a = ModelConfigs.readFile(file);
    assertThat(a.name()).isEqualTo("qwen25vl (language model only: its vision tower is not counted)");
    assertThat(a.family()).isEqualTo(Family.QWEN2);
    assertThat(a.params()).isEqualTo(7_615_616_512L); // Qwen2-7B's language model
  }

  @Test
  void aSparseLlavaTextConfigTakesLlamaConfigDefaultsAndOneNote() throws IOException {
    // llava-hf/llava-1.5-7b-hf: the text_config names only what differs from LlamaConfig.
    Path file = write("llava.json", "{\"model_type\": \"llava\", \"text_config\": {\"_name_or_path\":"
        + " \"lmsys/vicuna-7b-v1.5\", \"max_position_embeddings\": 4096, \"model_type\": \"llama\","
        + " \"rms_norm_eps\": 1e-05, \"torch_dtype\": \"float16\", \"vocab_size\": 32064},"
        + " \"vision_config\": {\"hidden_size\": 1024, \"model_type\": \"clip_vision_model\"}}");
    Architecture a = ModelConfigs.readFile(file);
    assertThat(a.params()).isEqualTo(6_738_415_616L + 2L * 64 * 4096); // Llama-2-7B, 64 more tokens
    Path untyped = write("custom-vlm.json", "{\"model_type\": \"my_vlm\", \"text_config\": {\"hidden_size\": 2048,"
        + "\"num_hidden_layers\": 16, \"num_attention_heads\": 32, \"intermediate_size\": 8192,"
        + "\"vocab_size\": 128256}}");
    assertThat(ModelConfigs.readFile(untyped).name()).isEqualTo("custom-vlm (language model only: its vision "
        + "tower is not counted; model_type 'my_vlm' unknown: counted as a Llama-style decoder)");
  }

  @Test
  void fieldsGivenWithoutAModelTypeSayThereIsNone() {
    var node = ModelConfigs.JSON.createObjectNode().put("hidden_size", 2304).put("num_hidden_layers", 26);
    assertThatThrownBy(() -> ModelConfigs.fromJson(node, "inline", "spec: model"))
        .hasMessageContaining("'num_attention_heads' is missing (no model_type, so the Llama field names were tried)");
  }

  @Test
  void privateBitsandbytesFlagsAreReadAsTheBitWidth() {
    var config = ModelConfigs.JSON.createObjectNode();
    config.putObject("quantization_config").put("_load_in_4bit", true).put("quant_method", "bitsandbytes");
    assertThat(ModelConfigs.declaredQuantization(config)).contains("bitsandbytes 4-bit");
  }

  @Test
  void aSnapshotInTheHubCacheIsNamedByItsHubIdNotItsCommit() throws IOException {
    Path snapshot = Files.createDirectories(
        dir.resolve("hub/models--Qwen--Qwen3-8B/snapshots/9c925d64d72725edaf899c6cb9c377fd0709d9c5"));
    Files.copy(Path.of("..", "samples", "models", "qwen3-8b.json"), snapshot.resolve("config.json"));
    Architecture a = ModelPresets.bundled().resolve(snapshot.toString(), "--model");
    assertThat(a.name()).isEqualTo("Qwen/Qwen3-8B");
    assertThat(a.params()).isEqualTo(8_190_735_360L);
  }
}
