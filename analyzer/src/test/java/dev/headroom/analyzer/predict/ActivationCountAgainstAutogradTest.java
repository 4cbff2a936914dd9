package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The activation model against real autograd: samples/reporters/pytorch/llama_loop_example.py
 * builds an HF-layout Llama and counts, with {@code saved_tensors_hooks}, the bytes autograd keeps
 * per layer per token. Runs where a Python with PyTorch is installed (Debian's python3-torch works;
 * a CPU is enough) and is skipped elsewhere.
 */
class ActivationCountAgainstAutogradTest {
  private static final Path EXAMPLE = Path.of("..", "samples", "reporters", "pytorch", "llama_loop_example.py");
  private static final Path ATTENTION_PROBE =
      Path.of("..", "samples", "reporters", "pytorch", "attention_backward_probe.py");

  private static Optional<String> pythonWithTorch() {
    for (String python : List.of("python3", "/usr/bin/python3")) {
      try {
        Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return Optional.of(python);
        }
      } catch (IOException e) {
        // not this one
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Runs the example with {@code args} (skipping the test without PyTorch); its last line, parsed. */
  private static JsonNode runExample(String... args) throws Exception {
    return run(EXAMPLE, args);
  }

  private static JsonNode run(Path script, String... args) throws Exception {
    Optional<String> python = pythonWithTorch();
    assumeTrue(python.isPresent() && Files.exists(script), "no Python with PyTorch here");
    List<String> command = new ArrayList<>(List.of(python.get(), script.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
  }

  @Test
  void anHfLlamaLayerKeepsWhatTheModelCounts() throws Exception {
    JsonNode counted = runExample("--count-saved", "--eager", "--hidden", "1024", "--heads", "16",
        "--kv-heads", "4", "--intermediate", "2816", "--vocab", "8000", "--micro-batch", "2", "--seq-len", "128");

    RunSpec spec = RunSpec.parse("{\"model\":{\"layers\":2,\"hidden\":1024,\"heads\":16,\"kv_heads\":4,"
        + "\"intermediate\":2816,\"vocab\":8000,\"mlp\":\"swiglu\"},\"method\":\"full\",\"precision\":\"bf16-true\","
        + "\"micro_batch\":2,\"seq_len\":128,\"attention\":\"eager\"}", "example");
    long modelled = new ActivationModel(spec.model(), spec.setup()).perLayerPerToken();
    // Up to PyTorch 2.1, mean() also kept its input (pytorch/pytorch#109876): the fp32 square of
    // each of the two norms' inputs.
    String[] version = counted.get("torch").asText().split("[.+a-z]");
    boolean meanKeepsInput = Integer.parseInt(version[0]) < 2
        || (Integer.parseInt(version[0]) == 2 && Integer.parseInt(version[1]) < 2);
    long expected = modelled + (meanKeepsInput ? 2 * 4 * 1024 : 0);
    // The rest is per-token small change: the causal mask and the fp32 log-sum of the eager path.
    assertThat(counted.get("saved_bytes_per_layer_per_token").asDouble())
        .isBetween(expected * 0.99, expected * 1.01);
  }

  /**
   * The same count for the block layouts of the newer HF model types (the example's {@code
   * --layout}): Qwen3's per-head q/k norms, Gemma-2's four norms and soft-capped eager scores,
   * Gemma-3's four norms and q/k norms, Phi-3's fused projections, OLMo-2's post-norms and
   * whole-width q/k norms; with grouped and with full KV
   * heads, every weight trained (so the norms keep their products too).
   */
  @ParameterizedTest(name = "{0}, {1} KV heads")
  @CsvSource({
    "llama, 16", "qwen3, 4", "qwen3, 16", "gemma2, 4", "gemma2, 16", "gemma3, 4", "gemma3, 16",
    "phi3, 4", "phi3, 16", "olmo2, 4", "olmo2, 16",
  })
  void eachNewerLayoutKeepsWhatItsFamilyCounts(String layout, int kvHeads) throws Exception {
    JsonNode counted = runExample("--count-saved", "--eager", "--layout", layout, "--hidden", "1024",
        "--heads", "16", "--kv-heads", String.valueOf(kvHeads), "--intermediate", "2816", "--vocab", "8000",
        "--micro-batch", "2", "--seq-len", "128");

    String mlp = layout.startsWith("gemma") ? "geglu" : "swiglu";
    RunSpec spec = RunSpec.parse("{\"model\":{\"family\":\"" + layout + "\",\"layers\":2,\"hidden\":1024,"
        + "\"heads\":16,\"kv_heads\":" + kvHeads + ",\"intermediate\":2816,\"vocab\":8000,\"mlp\":\"" + mlp
        + "\"},\"method\":\"full\",\"precision\":\"bf16-true\",\"micro_batch\":2,\"seq_len\":128,"
        + "\"attention\":\"eager\"}", "example");
    Architecture a = spec.model();
    long modelled = new ActivationModel(a, spec.setup()).perLayerPerToken();
    // Before PyTorch 2.2 every RMSNorm's mean() also kept its fp32 squared input
    // (pytorch/pytorch#109876): the block norms over h, the q/k norms over a·d + n_kv·d.
    long normedWidth = a.family().normsPerLayer() * a.hidden()
        + (a.family().qkNorm() ? a.attentionWidth() + a.kvWidth() : 0);
    long expected = modelled + (meanKeepsInput(counted) ? 4 * normedWidth : 0);
    assertThat(counted.get("saved_bytes_per_layer_per_token").asDouble())
        .isBetween(expected * 0.99, expected * 1.01);
  }

  private static boolean meanKeepsInput(JsonNode counted) {
    String[] version = counted.get("torch").asText().split("[.+a-z]");
    return Integer.parseInt(version[0]) < 2
        || (Integer.parseInt(version[0]) == 2 && Integer.parseInt(version[1]) < 2);
  }

  @Test
  void aFinishedStepsGraphHoldsTheQuantisedInputsTheModelCounts() throws Exception {
    // loop_keeps_last_step: frozen linears that keep their input on the autograd context (old
    // bitsandbytes' MatMul4Bit) are still holding it after backward, until the loop drops the loss.
    JsonNode counted = runExample("--count-previous-step", "--layers", "2", "--hidden", "1024", "--heads", "16",
        "--kv-heads", "4", "--intermediate", "2816", "--vocab", "8000", "--micro-batch", "2", "--seq-len", "128");

    RunSpec spec = RunSpec.parse("{\"model\":{\"layers\":2,\"hidden\":1024,\"heads\":16,\"kv_heads\":4,"
        + "\"intermediate\":2816,\"vocab\":8000,\"mlp\":\"swiglu\"},\"method\":\"qlora\",\"quant\":\"nf4\","
        + "\"precision\":\"bf16-true\",\"micro_batch\":2,\"seq_len\":128}", "example");
    long modelled = new ActivationModel(spec.model(), spec.setup()).previousStepQuantInputsPerToken();
    assertThat(modelled).isPositive();
    assertThat(counted.get("held_bytes_per_layer_per_token").asDouble()).isEqualTo((double) modelled);
    assertThat(counted.get("held_bytes_after_release").asLong()).isZero();
  }

  /**
   * The eager attention's backward transient at the softmax, per score element, against the
   * resident-set high-water mark of a real backward on the CPU (Linux: the probe reads
   * /proc/self/status). The MLP is made narrow so that the softmax term is the working set.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"bf16, bf16-true", "fp32, fp32"})
  void theEagerSoftmaxBackwardHoldsWhatTheModelCounts(String dtype, String precision) throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/self/status")), "the probe reads Linux's /proc");
    JsonNode measured = run(ATTENTION_PROBE, "--heads", "8", "--seq-len", "2048", "--head-dim", "64",
        "--dtype", dtype);
    RunSpec spec = RunSpec.parse("{\"model\":{\"layers\":2,\"hidden\":512,\"heads\":8,"
        + "\"intermediate\":256,\"vocab\":8000,\"mlp\":\"swiglu\"},\"method\":\"full\",\"precision\":\""
        + precision + "\",\"seq_len\":2048,\"attention\":\"eager\"}", "probe");
    ActivationModel model = new ActivationModel(spec.model(), spec.setup());
    int cb = dtype.equals("bf16") ? 2 : 4;
    double modelledPerScore = (model.backwardWorkingSetPerToken() - 2.0 * cb * 512) / (8 * 2048);
    assertThat(modelledPerScore).isEqualTo(4.0 + cb);
    assertThat(measured.get("backward_transient_bytes_per_score").asDouble())
        .isBetween(modelledPerScore * 0.9, modelledPerScore * 1.1);
  }
}
