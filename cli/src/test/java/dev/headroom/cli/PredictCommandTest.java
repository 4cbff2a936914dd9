package dev.headroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.analyzer.predict.CasesFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code headroom predict} and {@code headroom bench predict} in-process. */
class PredictCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path CALIBRATION = Path.of("..", "samples", "calibration", "memory-cases-calibration.csv");

  @TempDir Path dir;

  record Result(int status, String out, String err) {
    List<String> lines() {
      return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }

    List<JsonNode> json() throws Exception {
      List<JsonNode> nodes = new ArrayList<>();
      for (String line : lines()) {
        nodes.add(JSON.readTree(line));
      }
      return nodes;
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Headroom.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute(args);
    return new Result(status, out.toString(), err.toString());
  }

  @Test
  void flagsTakeTheSpellingsOfHfAndDeepSpeed() throws Exception {
    Result hf = run("predict", "--model", "llama-3-8b", "--method", "qlora", "--precision", "bf16",
        "--optimizer", "paged_adamw_32bit", "--attention", "flash_attention_2", "--grad-ckpt", "true",
        "--gpus", "2", "--sharding", "FULL_SHARD", "--lora-targets", "q_proj,v_proj", "--json");
    Result ours = run("predict", "--model", "llama-3-8b", "--method", "qlora", "--precision", "bf16-mixed",
        "--optimizer", "paged-adamw", "--attention", "flash", "--grad-ckpt", "full",
        "--gpus", "2", "--sharding", "fsdp-full", "--lora-targets", "q,v", "--json");
    assertThat(hf.status()).as(hf.err()).isZero();
    assertThat(hf.json()).isEqualTo(ours.json());
    Result fused = run("predict", "--model", "llama-3-8b", "--optimizer", "adamw_torch_fused");
    assertThat(fused.status()).isEqualTo(2);
    assertThat(fused.err()).contains("optimizer 'adamw_torch_fused' is not one of adamw|");
  }

  @Test
  void humanTableShowsTheBreakdownForTheThreeMetrics() {
    Result r = run("predict", "--model", "llama-3-8b", "--gpu", "RTX 4090");
    assertThat(r.status()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .contains("params 8,030,261,248, trainable 8,030,261,248 (llama block layout)")
        .contains("GPU RTX-4090 × 1")
        .containsPattern("\\s+allocated\\s+reserved\\s+device")
        .containsPattern("verdict\\s+oom\\s+oom\\s+oom")
        .contains("activations: ");
  }

  @Test
  void theBlockLayoutCountedIsNamed() {
    // Which HF block the counts follow is visible: a user can tell a Gemma-2 from a Llama count.
    assertThat(run("predict", "--model", "gemma-2-9b", "--method", "lora").out())
        .contains("trainable 8,945,664 (gemma2 block layout)");
    assertThat(run("predict", "--model", "phi-3-mini-4k", "--method", "lora").out())
        .contains("(phi3 block layout)");
  }

  @Test
  void aCheckpointSavedIn4BitsIsNotedWhenTheSetupSaysOtherwise(@TempDir Path dir)
      throws Exception {
    Path folder = Files.createDirectories(dir.resolve("llama-3-8b-bnb-4bit"));
    String config = Files.readString(Path.of("..", "samples", "models", "llama-3-8b.json")).trim();
    Files.writeString(folder.resolve("config.json"), config.substring(0, config.length() - 1)
        + ", \"quantization_config\": {\"quant_method\": \"bitsandbytes\", \"load_in_4bit\": true}}");
    Result lora = run("predict", "--model", folder.toString(), "--method", "lora", "--json");
    assertThat(lora.status()).isZero();
    assertThat(lora.err()).contains("declares bitsandbytes 4-bit weights").contains("--method qlora");
    assertThat(run("predict", "--model", folder.toString(), "--method", "qlora", "--json").err())
        .doesNotContain("declares");
    Files.writeString(folder.resolve("config.json"), config.substring(0, config.length() - 1)
        + ", \"quantization_config\": {\"quant_method\": \"gptq\", \"bits\": 4}}");
    assertThat(run("predict", "--model", folder.toString(), "--method", "qlora").err())
        .contains("declares gptq weights").contains("bitsandbytes quantisation only");
  }

  @Test
  void aQuantisedCheckpointNamedInASpecOrInlinedThereIsNotedToo() throws Exception {
    String config = Files.readString(Path.of("..", "samples", "models", "qwen3-8b.json")).trim();
    String quantised = config.substring(0, config.length() - 1)
        + ", \"quantization_config\": {\"quant_method\": \"bitsandbytes\", \"_load_in_4bit\": true}}";
    Path file = dir.resolve("qwen3-8b-bnb-4bit.json");
    Files.writeString(file, quantised);
    Path byPath = dir.resolve("by-path.json");
    Files.writeString(byPath, "{\"model\": " + JSON.writeValueAsString(file.toString()) + ", \"method\": \"lora\"}");
    Result r = run("predict", "--spec", byPath.toString(), "--json", "--metric", "allocated");
    assertThat(r.status()).isZero();
    assertThat(r.err()).contains(file + " declares bitsandbytes 4-bit weights").contains("--method qlora");
    Path inline = dir.resolve("inline.json");
    Files.writeString(inline, "{\"model\": " + quantised + ", \"method\": \"lora\"}");
    assertThat(run("predict", "--spec", inline.toString(), "--json").err())
        .contains("the model config inlined in " + inline + " declares bitsandbytes 4-bit weights");
    assertThat(run("predict", "--spec", inline.toString(), "--method", "qlora", "--json").err()).isEmpty();
  }

  @Test
  void hubSizedNumbersInAConfigAreBadInputNotAnInternalError() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"model_type\": \"gemma2\", \"hidden_size\": 2304, \"num_hidden_layers\": 26,"
        + " \"num_attention_heads\": 8, \"intermediate_size\": 9216, \"vocab_size\": \"256000000000000000000\"}");
    assertBad(run("predict", "--model", file.toString()), "'vocab_size' is too large");
    assertBad(run("predict", "--layers", "32", "--hidden", "4096", "--heads", "32", "--intermediate", "11008",
        "--vocab", "4000000000000000"), "parameters", "check them");
  }

  @Test
  void familyAcceptsTheHfModelTypeAndBringsItsFeedForward() throws Exception {
    // Gemma-2B by its HF model_type: GeGLU without --mlp, so the gate is there and the count is HF's.
    String[] gemma = {"predict", "--layers", "18", "--hidden", "2048", "--heads", "8", "--kv-heads", "1",
        "--head-dim", "256", "--intermediate", "16384", "--vocab", "256000", "--tied", "--family", "gemma",
        "--json", "--metric", "allocated"};
    assertThat(run(gemma).json().get(0).get("params").asLong()).isEqualTo(2_506_172_416L);
    // Falcon without --mlp has no gate matrix: 32 × 4544 × 18176 fewer than a SwiGLU block would have.
    String[] falcon = {"predict", "--layers", "32", "--hidden", "4544", "--heads", "71", "--kv-heads", "1",
        "--intermediate", "18176", "--vocab", "65024", "--tied", "--family", "falcon", "--json", "--metric", "allocated"};
    assertThat(run(falcon).json().get(0).get("params").asLong()).isEqualTo(6_921_720_704L);
  }

  @Test
  void anExplicitArchitectureCanNameItsBlockLayout() throws Exception {
    String[] qwen3 = {"predict", "--layers", "36", "--hidden", "4096", "--heads", "32", "--kv-heads", "8",
        "--head-dim", "128", "--intermediate", "12288", "--vocab", "151936", "--family", "qwen3", "--json"};
    assertThat(run(qwen3).json().get(0).get("params").asLong()).isEqualTo(8_190_735_360L); // Qwen3-8B
    Result bad = run("predict", "--layers", "2", "--hidden", "64", "--heads", "4", "--intermediate", "128",
        "--vocab", "100", "--family", "mamba");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("family").contains("mamba");
  }

  @Test
  void aShardingThatShardsNothingIsNotedOnStderrAndStillPredicted() throws Exception {
    Result r = run("predict", "--model", "llama-3-8b", "--sharding", "zero3", "--gpus", "1", "--json",
        "--metric", "allocated");
    assertThat(r.status()).isZero();
    assertThat(r.err()).contains("headroom: note: sharding zero3 over one data-parallel GPU shards nothing");
    assertThat(r.json()).hasSize(1);
    Result eight = run("predict", "--model", "llama-3-8b", "--sharding", "zero3", "--gpus", "8", "--json",
        "--metric", "allocated");
    assertThat(eight.err()).isEmpty();
  }

  @Test
  void theTableNamesTheSettingsAwayFromTheirDefaults() throws Exception {
    Path spec = dir.resolve("litgpt.json");
    Files.writeString(spec, "{\"model\":\"llama-2-7b\",\"method\":\"lora\",\"precision\":\"bf16-true\","
        + "\"micro_batch\":4,\"seq_len\":1304,\"grad_ckpt\":\"full\",\"gpus\":2,\"sharding\":\"fsdp-full\","
        + "\"grad_accum\":32,\"accumulate_no_sync\":true,\"fsdp_mixed_units\":true}");
    Result r = run("predict", "--spec", spec.toString());
    assertThat(r.status()).isZero();
    assertThat(r.lines().get(0))
        .endsWith("; accumulating 32 micro-steps under no_sync, FSDP units mix frozen and trainable");
    Result flags = run("predict", "--model", "llama-2-7b", "--method", "lora", "--precision", "bf16-true",
        "--micro-batch", "4", "--seq-len", "1304", "--grad-ckpt", "full", "--gpus", "2", "--sharding", "fsdp-full",
        "--grad-accum", "32", "--accumulate-no-sync", "--fsdp-mixed-units", "--loop-keeps-output=false");
    assertThat(flags.out()).isEqualTo(r.out());
    Result plain = run("predict", "--model", "llama-2-7b");
    assertThat(plain.lines().get(0)).endsWith("standard loss");
  }

  @Test
  void jsonHasExactlyTheDocumentedKeys() throws Exception {
    Result r = run("predict", "--model", "mistral-7b", "--method", "qlora", "--grad-ckpt", "full",
        "--micro-batch", "2", "--seq-len", "1024", "--gpu", "L4", "--json");
    assertThat(r.status()).isZero();
    List<JsonNode> lines = r.json();
    assertThat(lines).extracting(n -> n.get("metric").asText()).containsExactly("allocated", "reserved", "device");
    JsonNode device = lines.get(2);
    List<String> keys = new ArrayList<>();
    device.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("metric", "peak_bytes", "capacity_bytes", "ratio", "verdict", "params",
        "trainable_params", "breakdown", "host_bytes");
    List<String> parts = new ArrayList<>();
    device.get("breakdown").fieldNames().forEachRemaining(parts::add);
    assertThat(parts).containsExactly("weights_bytes", "gradients_bytes", "optimizer_bytes", "activations_bytes",
        "logits_bytes", "overhead_bytes");
    long sum = 0;
    for (String p : parts) {
      sum += device.get("breakdown").get(p).asLong();
    }
    assertThat(sum).isEqualTo(device.get("peak_bytes").asLong());
    assertThat(device.get("params").asLong()).isEqualTo(7_241_732_096L);
    assertThat(device.get("capacity_bytes").asLong()).isEqualTo(23_034L << 20);
    assertThat(device.get("verdict").asText()).isEqualTo("fits");
    assertThat(device.get("ratio").asDouble()).isBetween(0.1, 0.9);
  }

  @Test
  void explicitArchitectureFlagsAndSpecFileAgree() throws Exception {
    Path spec = dir.resolve("run.json");
    Files.writeString(spec, "{\"model\":\"llama-3-8b\",\"micro_batch\":4,\"seq_len\":4096,\"grad_ckpt\":\"full\"}");
    Result fromSpec = run("predict", "--spec", spec.toString(), "--json", "--metric", "allocated");
    Result fromFlags = run("predict", "--layers", "32", "--hidden", "4096", "--heads", "32", "--kv-heads", "8",
        "--intermediate", "14336", "--vocab", "128256", "--micro-batch", "4", "--seq-len", "4096",
        "--grad-ckpt", "full", "--json", "--metric", "allocated");
    assertThat(fromSpec.status()).isZero();
    assertThat(fromFlags.status()).isZero();
    assertThat(fromSpec.json().get(0).get("peak_bytes")).isEqualTo(fromFlags.json().get(0).get("peak_bytes"));
    // a flag overrides the spec file's key
    Result overridden = run("predict", "--spec", spec.toString(), "--method", "lora", "--json", "--metric", "allocated");
    assertThat(overridden.json().get(0).get("peak_bytes").asLong())
        .isLessThan(fromSpec.json().get(0).get("peak_bytes").asLong());
  }

  @Test
  void fitReportsEveryRungAndTheFirstThatFits() {
    Result r = run("predict", "--model", "llama-3-8b", "--gpu", "RTX-4090", "--fit");
    assertThat(r.status()).isZero();
    assertThat(r.out())
        .contains("mitigation ladder")
        .contains("activation checkpointing")
        .contains("about 30 % more step time")
        .contains("8-bit optimizer")
        .contains("PCIe-bound")
        .contains("first rung that fits: QLoRA");
  }

  @Test
  void fitNamesARungThatWouldRaiseThePeakAsSkippedAndEndsWithANewline() throws Exception {
    Path spec = dir.resolve("mistral.json");
    Files.writeString(spec, "{\"model\":\"mistral-7b\",\"method\":\"full\",\"precision\":\"bf16-mixed\","
        + "\"optimizer\":\"adamw-8bit\",\"micro_batch\":2,\"seq_len\":4096,\"grad_ckpt\":\"full\","
        + "\"attention\":\"flash\",\"gpus\":1,\"gpu\":\"H100-80GB\"}");
    Result r = run("predict", "--spec", spec.toString(), "--fit");
    assertThat(r.status()).isZero();
    assertThat(r.out())
        .containsPattern("skipped: micro-batch 1 with gradient accumulation \\(it would raise the peak to [0-9.]+ GiB")
        .doesNotContainPattern("\\d\\.\\s+micro-batch 1 with gradient accumulation")
        // "; cost:" rather than "(none (PYTORCH_...))": the cost has its own parentheses
        .endsWith("first rung that fits: expandable_segments allocator"
            + "; cost: none (PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True)" + System.lineSeparator());

    Result json = run("predict", "--spec", spec.toString(), "--fit", "--json", "--metric", "device");
    assertThat(json.json()).filteredOn(n -> n.path("skipped").asBoolean())
        .extracting(n -> n.get("rung").asText()).containsExactly("micro-batch 1 with gradient accumulation");
  }

  @Test
  void aRunThatFitsAsGivenGetsNoRungRecommended() throws Exception {
    Result r = run("predict", "--model", "llama-3-8b", "--method", "qlora", "--grad-ckpt", "full",
        "--gpu", "H100-80GB", "--fit");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("the run fits as given; the rungs show what each would save")
        .doesNotContain("first rung that fits");
  }

  @Test
  void fitWithJsonAddsTheRungKeys() throws Exception {
    Result r = run("predict", "--model", "llama-3-70b", "--gpus", "8", "--gpu", "H100-80GB", "--fit", "--json",
        "--metric", "device");
    List<JsonNode> lines = r.json();
    assertThat(lines.get(0).has("rung")).isFalse();
    assertThat(lines.subList(1, lines.size())).allSatisfy(n -> assertThat(n.has("rung")).isTrue());
    assertThat(lines).extracting(n -> n.path("rung").asText()).contains("shard across the GPUs (FSDP full shard)");
  }

  @Test
  void casesFilePredictsEveryRowForItsMetric() throws Exception {
    Result r = run("predict", "--cases", CALIBRATION.toString(), "--json");
    assertThat(r.status()).isZero();
    List<JsonNode> lines = r.json();
    assertThat(lines).hasSize(47);
    assertThat(lines.get(0).get("id").asText()).isEqualTo("1");
    assertThat(lines.get(0).get("metric").asText()).isEqualTo("allocated");
    assertThat(lines).extracting(n -> n.get("metric").asText()).contains("reserved", "device");
  }

  @Test
  void aBadRowIsNamedAndTheOthersAreStillPredicted() throws Exception {
    List<String> csv = Files.readAllLines(CALIBRATION);
    List<String> broken = new ArrayList<>(csv.subList(0, 4));
    broken.set(2, broken.get(2).replace(",bf16-true,adamw,2,512,", ",bf16-true,adamw,-2,512,"));
    Path file = dir.resolve("cases.csv");
    Files.write(file, broken);
    Result r = run("predict", "--cases", file.toString(), "--json");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.json()).extracting(n -> n.get("id").asText()).containsExactly("1", "5");
    assertThat(r.err()).contains(file + ":3: row 4: column micro_batch: ").contains("'micro_batch' must be a positive integer, got -2");
  }

  @Test
  void aCasesFileWithoutRequiredColumnsIsAClearError() throws Exception {
    Path file = dir.resolve("short.csv");
    Files.writeString(file, "id,model\n1,llama-3-8b\n");
    Result r = run("predict", "--cases", file.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).startsWith("headroom: " + file + ":1: missing column(s) layers, hidden").doesNotContain("Exception");
  }

  @Test
  void badInputIsOneLineWithExitStatusTwo() throws Exception {
    Path config = dir.resolve("config.json");
    Files.writeString(config, "{\"model_type\": \"llama\", \"hidden_size\": 4096,");
    assertBad(run("predict", "--model", config.toString()), config + ":1:", "malformed JSON");
    assertBad(run("predict", "--model", "llama-3-8b", "--gpu", "H300"), "unknown GPU 'H300'", "H100-80GB");
    assertBad(run("predict", "--layers", "32", "--hidden", "100", "--heads", "3", "--intermediate", "10",
        "--vocab", "10"), "heads (3) do not divide hidden (100)", "head_dim");
    assertBad(run("predict", "--model", "llama-3-8b", "--seq-len", "0"), "headroom: --seq-len must be a positive integer, got 0");
    assertBad(run("predict", "--model", "llama-3-8b", "--method", "foo"), "headroom: --method 'foo' is not one of full|lora|qlora");
    assertBad(run("predict", "--model", "llama-3-8b", "--gpus", "3", "--tensor-parallel", "2"),
        "headroom: --tensor-parallel (2) must divide gpus (3)");
    assertBad(run("predict", "--model", "llama-3-8b", "--layers", "3"), "either --model or", "--layers");
    assertBad(run("predict"), "no model", "--list-models");
  }

  @Test
  void aTruncatedJsonFileIsNamedWithoutJacksonsSourceEcho() throws Exception {
    Path spec = dir.resolve("spec.json");
    Files.writeString(spec, "{\"model\": \"llama-3-8b\",\n  \"method\": \"qlora\"");
    Result fromSpec = run("predict", "--spec", spec.toString());
    assertBad(fromSpec, spec + ":2:", "malformed JSON", "Unexpected end-of-input");
    assertThat(fromSpec.err()).doesNotContain("Source:").doesNotContain("StreamReadFeature").hasLineCount(1);
    Path config = dir.resolve("config.json");
    Files.writeString(config, "{\"model_type\": \"llama\", \"hidden_size\": 4096");
    Result fromModel = run("predict", "--model", config.toString());
    assertBad(fromModel, config + ":1:", "malformed JSON");
    assertThat(fromModel.err()).doesNotContain("Source:").hasLineCount(1);
  }

  private static void assertBad(Result r, String... fragments) {
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("headroom: ").contains(fragments).doesNotContain("\tat ");
  }

  @Test
  void listsNameThePresetsAndGpus() {
    assertThat(run("predict", "--list-models").out()).contains("llama-3-8b").contains("8,030,261,248");
    assertThat(run("predict", "--list-gpus").out()).contains("H200-141GB").contains("A100-40GB").contains("L4");
  }

  @Test
  void helpExplainsEveryOption() {
    Result r = run("predict", "--help");
    assertThat(r.status()).isZero();
    for (String option : List.of("--spec", "--cases", "--model", "--layers", "--kv-heads", "--head-dim", "--tied",
        "--mlp", "--method", "--lora-rank", "--lora-targets", "--quant", "--precision", "--optimizer",
        "--micro-batch", "--seq-len", "--grad-ckpt", "--attention", "--loss", "--grad-accum", "--gpus",
        "--sharding", "--offload", "--gpu", "--metric", "--fit", "--json", "--tensor-parallel",
        "--optimizer-in-backward", "--optimizer-foreach")) {
      assertThat(r.out()).contains(option);
    }
  }

  @Test
  void benchPrintsMedianAndP90BesideBothAnchors() throws Exception {
    Result r = run("bench", "predict");
    assertThat(r.status()).isZero();
    List<JsonNode> all = r.json();
    List<JsonNode> excluded = all.stream().filter(n -> n.has("excluded_row")).toList();
    List<JsonNode> lines = all.stream().filter(n -> n.has("group")).toList();
    assertThat(excluded.size() + lines.size()).isEqualTo(all.size());
    assertThat(lines).extracting(n -> n.get("group").asText())
        .contains("all", "metric=allocated", "metric=reserved", "metric=device", "method=full", "method=lora", "method=qlora");
    JsonNode median = lines.get(0);
    assertThat(median.get("set").asText()).isEqualTo("all");
    assertThat(median.get("figure").asText()).isEqualTo("median_ape_percent");
    assertThat(median.get("rows").asInt()).isEqualTo(47);
    assertThat(median.get("headroom").asDouble()).isLessThan(median.get("baseline_accelerate").asDouble());
    assertThat(median.get("headroom").asDouble()).isLessThan(median.get("baseline_deepspeed").asDouble());
    assertThat(lines.get(1).get("figure").asText()).isEqualTo("p90_ape_percent");
    // Both sets are printed; the representable set is all rows less every excluded one, and
    // each excluded row names its reason.
    JsonNode representable = lines.stream()
        .filter(n -> n.get("set").asText().equals("representable") && n.get("group").asText().equals("all"))
        .findFirst().orElseThrow();
    assertThat(representable.get("rows").asInt()).isEqualTo(47 - excluded.size());
    assertThat(excluded).isNotEmpty().allSatisfy(n -> {
      assertThat(n.get("reason").asText()).isIn("distrusted", "not-representable");
      assertThat(n.get("why").asText()).isNotBlank();
    });
    // The described set has every row again, with the facts filled in; those facts only ever
    // describe a setup, so the anchors (which ignore them) read the same as on the plain rows.
    JsonNode described = lines.stream()
        .filter(n -> n.get("set").asText().equals("described") && n.get("group").asText().equals("all"))
        .findFirst().orElseThrow();
    assertThat(described.get("rows").asInt()).isEqualTo(47);
    assertThat(described.get("baseline_accelerate").asDouble()).isEqualTo(median.get("baseline_accelerate").asDouble());
    assertThat(described.get("headroom").asDouble()).isNotEqualTo(median.get("headroom").asDouble());
    // The validation rows are printed as a set of their own, beside the same anchors.
    JsonNode validation = lines.stream()
        .filter(n -> n.get("set").asText().equals("validation") && n.get("group").asText().equals("all"))
        .findFirst().orElseThrow();
    assertThat(validation.get("rows").asInt()).isEqualTo(CasesFile.validation().size()).isPositive();
    assertThat(validation.get("headroom").asDouble()).isLessThan(validation.get("baseline_accelerate").asDouble());
    JsonNode holdout = lines.stream()
        .filter(n -> n.get("set").asText().equals("holdout") && n.get("group").asText().equals("all"))
        .findFirst().orElseThrow();
    assertThat(holdout.get("rows").asInt()).isEqualTo(CasesFile.holdout().size()).isPositive();
  }

  @Test
  void benchOnAUsersOwnCasesFilePrintsOnlyTheAllSet() throws Exception {
    Result r = run("bench", "predict", "--cases", CALIBRATION.toString());
    assertThat(r.status()).isZero();
    assertThat(r.json()).allSatisfy(n -> assertThat(n.has("excluded_row")
        || n.get("set").asText().equals("all")).isTrue());
  }
}
