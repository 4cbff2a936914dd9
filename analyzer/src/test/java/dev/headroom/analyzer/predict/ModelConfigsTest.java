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
  }
}
