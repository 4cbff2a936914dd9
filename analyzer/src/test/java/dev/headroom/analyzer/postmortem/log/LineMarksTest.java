package dev.headroom.analyzer.postmortem.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LineMarksTest {

  @Test
  void everyTriggerPhrasePassesThePreFilter() {
    String[] phrases = {
      "MPS backend out of memory (MPS allocated", "HIP out of memory.", "torch.OutOfMemoryError: CUDA out of memory.",
      "CUDA error: out of memory", "cuda runtime error (2) : out of memory at x", "CUBLAS_STATUS_ALLOC_FAILED when",
      "WARN Cuda failure 'out of memory'", "ValueError: Free memory on device (3.22/4.0 GiB)",
      "No available memory for the cache blocks.", "is larger than the available KV cache memory (1 GiB)",
      "XlaRuntimeError: RESOURCE_EXHAUSTED: Out of memory while trying to allocate 1 bytes.",
      "RuntimeError: Resource exhausted: Failed to allocate request for 1GiB",
      "Allocator (GPU_0_bfc) ran out of memory trying to allocate 1.0KiB", "Sum Total of in-use chunks: 1MiB",
      "ResourceExhaustedError: OOM when allocating tensor", "EigenAllocator for GPU ran out of memory when allocating 0.",
      "bfc_allocator.cc:244] tried to allocate 0 bytes", "allocator_retry.cc:32] Request to allocate 0 bytes",
      "cupy.cuda.memory.OutOfMemoryError: out of memory to allocate 1 bytes",
    };
    for (String p : phrases) {
      assertThat(LineMarks.scan("prefix " + p, 0) & LineMarks.TRIGGER).as(p).isNotZero();
      assertThat(Trigger.find("prefix " + p)).as(p).isPresent();
    }
  }

  @Test
  void ordinaryLinesDoNotAndFrameworkWordsAreSeen() {
    assertThat(LineMarks.scan("[rank1] INFO memory_allocated 38.1 GiB max_memory_reserved 41.0 GiB", 0)).isZero();
    assertThat(LineMarks.scan("  File \"/site-packages/bitsandbytes/nn.py\"", 0)).isEqualTo(LineMarks.BITSANDBYTES);
    assertThat(LineMarks.scan("[deepspeed] see_memory_usage ... jax tensorflow vllm", 0))
        .isEqualTo(LineMarks.DEEPSPEED | LineMarks.JAX | LineMarks.TENSORFLOW | LineMarks.VLLM);
    assertThat(LineMarks.scan("vllm", LineMarks.VLLM)).as("already known: not looked for").isZero();
    assertThat(LineMarks.scan("", 0)).isZero();
    assertThat(LineMarks.scan("j", 0)).isZero();
  }

  @Test
  void marksAreFoundAtEitherEndOfALineAndNotFromFragments() {
    // Each mark is looked for at its rarest pair, which may sit at its very start or end.
    assertThat(LineMarks.scan("out of memory", 0)).isEqualTo(LineMarks.TRIGGER);
    assertThat(LineMarks.scan("OOM when", 0)).isEqualTo(LineMarks.TRIGGER);
    assertThat(LineMarks.scan("jax", 0)).isEqualTo(LineMarks.JAX);
    assertThat(LineMarks.scan("ran out of memor", 0)).as("cut short").isZero();
    assertThat(LineMarks.scan("ut of memory", 0)).as("no start").isZero();
    assertThat(LineMarks.scan("memory: 3.2 GiB of memory in-use by ranks", 0)).isZero();
    // Non-ASCII text around a mark does not hide it.
    assertThat(LineMarks.scan("é€ out of memory ✓", 0)).isEqualTo(LineMarks.TRIGGER);
  }
}
