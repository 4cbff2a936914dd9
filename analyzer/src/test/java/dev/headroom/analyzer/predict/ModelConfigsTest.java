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
    assertThat(ModelConfigs.readFile(file).params()).isEqualTo(1_235_814_400L); // Llama-3.2-1B
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
