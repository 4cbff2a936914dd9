package dev.headroom.analyzer.predict;

import java.util.List;

/** The three peak numbers a user compares against, each measured differently. */
public enum Metric implements Labeled {
  /** {@code torch.cuda.max_memory_allocated()}: live tensor bytes at the peak. */
  ALLOCATED("allocated", "max-memory-allocated", "memory-allocated"),
  /** {@code torch.cuda.max_memory_reserved()}: segments the caching allocator holds. */
  RESERVED("reserved", "max-memory-reserved", "memory-reserved"),
  /** What NVML / nvidia-smi shows for the process: reserved + CUDA context + non-PyTorch memory. */
  DEVICE("device", "nvidia-smi", "nvml");

  private final String label;
  private final List<String> aliases;

  Metric(String label, String... aliases) {
    this.label = label;
    this.aliases = List.of(aliases);
  }

  @Override
  public String label() {
    return label;
  }

  /** The torch function or tool that reads it, as measurements name their number. */
  @Override
  public List<String> aliases() {
    return aliases;
  }
}
