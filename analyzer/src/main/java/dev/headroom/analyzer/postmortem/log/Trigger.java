package dev.headroom.analyzer.postmortem.log;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A phrase that starts an out-of-memory report. Only these phrases open a report; the numbers are
 * then read from the text that follows, so unrelated sizes elsewhere in a log are never taken for
 * an OOM.
 */
record Trigger(ReportKind kind, Framework framework, Pattern pattern) {

  /** Checked in order; earlier entries are more specific than later ones. */
  static final List<Trigger> ALL =
      List.of(
          t(ReportKind.MPS_ALLOCATOR, Framework.PYTORCH_MPS, "MPS backend out of memory"),
          t(ReportKind.TORCH_ALLOCATOR, Framework.PYTORCH_ROCM, "HIP out of memory"),
          t(ReportKind.TORCH_ALLOCATOR, Framework.PYTORCH_XPU, "XPU out of memory"),
          t(ReportKind.TORCH_ALLOCATOR, Framework.PYTORCH, "CUDA out of memory"),
          t(
              ReportKind.CUDA_RUNTIME_ERROR,
              Framework.PYTORCH,
              "CUDA error: out of memory|cuda runtime error \\(2\\) : out of memory"),
          t(ReportKind.CUBLAS_ALLOC_FAILED, Framework.CUBLAS, "CUBLAS_STATUS_ALLOC_FAILED"),
          t(
              ReportKind.NCCL_CUDA_FAILURE,
              Framework.NCCL,
              "Cuda failure (?:\\d+ )?'out of memory'|NCCL error[^\\n]*out of memory"),
          t(ReportKind.VLLM_STARTUP, Framework.VLLM, "Free memory on device \\("),
          t(
              ReportKind.VLLM_KV_CACHE,
              Framework.VLLM,
              "No available memory for the cache blocks"
                  + "|larger than the available KV cache memory"),
          t(
              ReportKind.XLA_RESOURCE_EXHAUSTED,
              Framework.JAX,
              "RESOURCE_EXHAUSTED: Out of memory|Resource exhausted: Failed to allocate"
                  + "|RESOURCE_EXHAUSTED: Failed to allocate|Out of memory while trying to allocate"),
          t(
              ReportKind.BFC_ALLOCATOR,
              Framework.TENSORFLOW,
              "ran out of memory trying to allocate|Sum Total of in-use chunks"),
          t(
              ReportKind.TF_OOM,
              Framework.TENSORFLOW,
              "OOM when allocating|EigenAllocator for GPU ran out of memory"
                  + "|bfc_allocator\\.cc:\\d+\\] tried to allocate"
                  + "|allocator_retry\\.cc:\\d+\\] Request to allocate"),
          t(ReportKind.CUPY_POOL, Framework.CUPY, "out of memory to allocate \\d"));

  /** A trigger found in a line, where its phrase starts, and the phrase as matched. */
  record Hit(Trigger trigger, int start, String phrase) {}

  /**
   * The first trigger (in list order) whose phrase occurs in {@code line}. Callers check {@link
   * LineMarks#TRIGGER} first, so most lines never reach these regexes.
   */
  static Optional<Hit> find(String line) {
    for (Trigger t : ALL) {
      Matcher m = t.pattern.matcher(line);
      if (m.find()) {
        return Optional.of(new Hit(t, m.start(), m.group()));
      }
    }
    return Optional.empty();
  }

  private static Trigger t(ReportKind kind, Framework framework, String regex) {
    return new Trigger(kind, framework, Pattern.compile(regex));
  }
}
