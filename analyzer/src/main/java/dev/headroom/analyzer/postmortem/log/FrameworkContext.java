package dev.headroom.analyzer.postmortem.log;

import dev.headroom.analyzer.postmortem.ByteCount;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the log says about the software around a PyTorch message. The message itself is the
 * same whether plain PyTorch, DeepSpeed, vLLM or bitsandbytes made the failing allocation; only the
 * surrounding lines (a vLLM log header, DeepSpeed's {@code see_memory_usage} lines, a traceback
 * through {@code bitsandbytes/}) tell them apart. Marks seen anywhere in the file up to the time
 * an event is closed count.
 */
final class FrameworkContext {

  /** vLLM's logging header: {@code INFO 03-13 09:00:43 [core.py:330] }, maybe behind a worker tag. */
  private static final Pattern VLLM_HEADER =
      Pattern.compile(
          "\\s*(?:\\([\\w.-]+ pid=\\d+\\)\\s*)?"
              + "(?:INFO|WARNING|ERROR|DEBUG|CRITICAL) \\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\[[\\w.]+:\\d+\\]");

  /** DeepSpeed's see_memory_usage: memory_allocated (MA) and memory_reserved (CA) in GB (= GiB). */
  private static final Pattern SEE_MEMORY_USAGE =
      Pattern.compile("\\bMA (?<ma>\\d+(?:\\.\\d+)?) GB\\s+Max_MA [\\d.]+ GB\\s+CA (?<ca>\\d+(?:\\.\\d+)?) GB");

  /** The last see_memory_usage figures, for an OOM report that states none of its own. */
  record DeepSpeedUsage(long line, ByteCount allocated, ByteCount reserved) {}

  private DeepSpeedUsage lastUsage;
  private boolean vllm;
  private boolean deepspeed;
  private boolean bitsandbytes;
  private boolean jax;
  private boolean tensorflow;

  /** Flags already set, so {@link LineMarks#scan} need not look for them again. */
  int known() {
    return (vllm ? LineMarks.VLLM : 0) | (deepspeed ? LineMarks.DEEPSPEED : 0)
        | (bitsandbytes ? LineMarks.BITSANDBYTES : 0) | (jax ? LineMarks.JAX : 0)
        | (tensorflow ? LineMarks.TENSORFLOW : 0);
  }

  /** Records the framework marks {@link LineMarks#scan} found in {@code rawLine}. */
  void observe(long lineNo, String rawLine, int marks) {
    if ((marks & LineMarks.DEEPSPEED) != 0 || deepspeed && rawLine.contains("Max_MA ")) {
      Matcher m = SEE_MEMORY_USAGE.matcher(rawLine);
      if (m.find()) {
        BigDecimal gib = BigDecimal.valueOf(1L << 30);
        lastUsage = new DeepSpeedUsage(lineNo, new ByteCount(new BigDecimal(m.group("ma")).multiply(gib)),
            new ByteCount(new BigDecimal(m.group("ca")).multiply(gib)));
      }
    }
    vllm = vllm || (marks & LineMarks.VLLM) != 0
        || (mayStartVllmHeader(rawLine) && VLLM_HEADER.matcher(rawLine).lookingAt());
    deepspeed = deepspeed || (marks & LineMarks.DEEPSPEED) != 0;
    bitsandbytes = bitsandbytes || (marks & LineMarks.BITSANDBYTES) != 0;
    jax = jax || (marks & LineMarks.JAX) != 0;
    tensorflow = tensorflow || (marks & LineMarks.TENSORFLOW) != 0;
  }

  /**
   * A necessary condition for {@link #VLLM_HEADER}, cheap enough for every line: after leading
   * blanks the header opens with a worker tag or a level word, and the regex runs only then.
   */
  private static boolean mayStartVllmHeader(String line) {
    int n = line.length();
    if (n <= 20) {
      return false;
    }
    int i = 0;
    while (i < n && Character.isWhitespace(line.charAt(i))) {
      i++;
    }
    if (i == n) {
      return false;
    }
    char c = line.charAt(i);
    return c == '(' || c == 'I' || c == 'W' || c == 'E' || c == 'D' || c == 'C';
  }

  Optional<DeepSpeedUsage> lastDeepSpeedUsage() {
    return Optional.ofNullable(lastUsage);
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
