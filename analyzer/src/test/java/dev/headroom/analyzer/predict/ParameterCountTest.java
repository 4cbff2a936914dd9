package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParameterCountTest {
  private static final ModelPresets PRESETS = ModelPresets.bundled();

  private static Architecture preset(String name) {
    return PRESETS.find(name).orElseThrow();
  }

  @Test
  void theThreeCountsTheIssuePinsAreExact() {
    assertThat(preset("llama-3-8b").params()).isEqualTo(8_030_261_248L);
    assertThat(preset("llama-3-70b").params()).isEqualTo(70_553_706_496L);
    assertThat(preset("mistral-7b").params()).isEqualTo(7_241_732_096L);
  }

  /** Published totals (HF safetensors / GGUF metadata / the calibration rows), see memory-formulas.md §7. */
  @ParameterizedTest
  @CsvSource({
    "llama-3.1-405b, 405853388800",
    "llama-3.2-3b, 3212749824",
    "llama-2-7b, 6738415616",
    "llama-2-13b, 13015864320",
    "llama-2-70b, 68976648192",
    "gemma-2b, 2506172416",
    "gemma-7b, 8537680896",
    "tinyllama-1.1b, 1100048384",
    "phi-3-mini-4k, 3821079552",
    "qwen3-8b, 8190735360",
    "qwen3-0.6b, 596049920",
    "gemma-2-2b, 2614341888",
    "gemma-2-9b, 9241705984",
    "gemma-2-27b, 27227128320",
    "gemma-3-1b, 999885952",
    "gemma-3-4b, 4300079472",
    "qwen2-7b, 7615616512",
    "falcon-7b, 6921720704",
    "gpt-neox-20b, 20554567680",
    "pythia-1b, 1011781632",
    "stablelm-base-alpha-3b, 3637321728",
    "phi-2, 2779683840",
    "phi-1.5, 1418270720",
    "gpt2, 124439808",
    "bloomz-7b1, 7069016064",
    "bert-large-uncased, 335143938",
    "t0-3b, 2849757184",
  })
  void everyPresetMatchesItsPublishedCount(String name, long published) {
    assertThat(preset(name).params()).as(name).isEqualTo(published);
  }

  @Test
  void loraCountsMatchWhatPeftAndLitgptPrint() {
    assertThat(trainable("llama-2-7b", 8, "q,v")).isEqualTo(4_194_304L);
    assertThat(trainable("llama-2-13b", 8, "q,v")).isEqualTo(6_553_600L);
    assertThat(trainable("llama-3.2-3b", 32, "q,v")).isEqualTo(9_175_040L);
    assertThat(trainable("llama-3-8b", 16, "all-linear")).isEqualTo(41_943_040L);
    // Phi-3 fuses q|k|v and gate|up: PEFT adapts four matrices per block, not seven.
    assertThat(trainable("phi-3-mini-4k", 16, "all-linear")).isEqualTo(25_165_824L);
    // Naming one part of a fused matrix adapts all of it.
    assertThat(trainable("phi-3-mini-4k", 8, "v")).isEqualTo(trainable("phi-3-mini-4k", 8, "q,k,v"));
  }

  private static long trainable(String model, int rank, String targets) {
    RunSpec spec = RunSpec.parse("{\"model\":\"" + model + "\",\"method\":\"lora\",\"lora_rank\":" + rank
        + ",\"lora_targets\":\"" + targets + "\"}", "test");
    return MemoryPredictor.trainableParams(spec.model(), spec.setup());
  }

  @Test
  void aliasesAndHubIdsFindTheSamePreset() {
    assertThat(PRESETS.canonical("meta-llama/Meta-Llama-3-8B")).contains("llama-3-8b");
    assertThat(PRESETS.canonical("Mistral-7B-v0.1")).contains("mistral-7b");
    assertThat(PRESETS.canonical("no-such-model")).isEmpty();
  }

  @Test
  void theIndexAndTheSampleFilesListTheSameModels() throws IOException {
    Path dir = Path.of("..", "samples", "models");
    List<String> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - 5))
          .sorted()
          .toList();
    }
    assertThat(PRESETS.names()).containsExactlyInAnyOrderElementsOf(files);
  }
}
