package dev.headroom.analyzer.postmortem.log;

import java.util.regex.Pattern;

/**
 * What the log says about the software around a PyTorch message. The message itself is the
 * same whether plain PyTorch, DeepSpeed, vLLM or bitsandbytes made the failing allocation; only the
 * surrounding lines (a vLLM log header, DeepSpeed's {@code see_memory_usage} lines, a traceback
 * through {@code bitsandbytes/}) tell them apart. Marks seen anywhere in the file up to the time
 * an event is closed count.
 */
final class FrameworkContext {

  private static final Pattern VLLM =
      Pattern.compile(
          "\\bvllm\\b|\\bvLLM\\b|EngineCore|^\\s*(?:\\([\\w.-]+ pid=\\d+\\)\\s*)?"
              + "(?:INFO|WARNING|ERROR|DEBUG|CRITICAL) \\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\[[\\w.]+:\\d+\\]");
  private static final Pattern DEEPSPEED =
      Pattern.compile("(?i)\\bdeepspeed\\b|see_memory_usage|\\bMA [\\d.]+ GB\\s+Max_MA [\\d.]+ GB");
  private static final Pattern BITSANDBYTES = Pattern.compile("(?i)bitsandbytes|\\bbnb\\.");
  private static final Pattern JAX = Pattern.compile("\\bjax(?:lib)?\\b|XlaRuntimeError");
  private static final Pattern TENSORFLOW = Pattern.compile("(?i)tensorflow");

  private boolean vllm;
  private boolean deepspeed;
  private boolean bitsandbytes;
  private boolean jax;
  private boolean tensorflow;

  void observe(String rawLine) {
    // Each flag is checked only until it is set: once is enough, and it keeps big logs cheap.
    vllm = vllm || VLLM.matcher(rawLine).find();
    deepspeed = deepspeed || DEEPSPEED.matcher(rawLine).find();
    bitsandbytes = bitsandbytes || BITSANDBYTES.matcher(rawLine).find();
    jax = jax || JAX.matcher(rawLine).find();
    tensorflow = tensorflow || TENSORFLOW.matcher(rawLine).find();
  }

  /** The wrapper that made a PyTorch CUDA allocation fail, or plain PyTorch. */
  Framework refinePytorch() {
    if (vllm) {
      return Framework.VLLM;
    }
    if (deepspeed) {
      return Framework.DEEPSPEED;
    }
    if (bitsandbytes) {
      return Framework.BITSANDBYTES;
    }
    return Framework.PYTORCH;
  }

  /** Who owns a BFC allocator line: TensorFlow and XLA share the allocator's source file. */
  Framework bfcOwner(String rawLine) {
    if (rawLine.contains("tensorflow")) {
      return Framework.TENSORFLOW;
    }
    if (rawLine.contains("xla/") || rawLine.contains("jax")) {
      return tensorflow ? Framework.TENSORFLOW : Framework.JAX;
    }
    if (jax && !tensorflow) {
      return Framework.JAX;
    }
    return Framework.TENSORFLOW;
  }
}
