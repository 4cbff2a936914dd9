package dev.headroom.analyzer.predict;

/** The three peak numbers a user compares against, each measured differently. */
public enum Metric implements Labeled {
  /** {@code torch.cuda.max_memory_allocated()}: live tensor bytes at the peak. */
  ALLOCATED("allocated"),
  /** {@code torch.cuda.max_memory_reserved()}: segments the caching allocator holds. */
  RESERVED("reserved"),
  /** What NVML / nvidia-smi shows for the process: reserved + CUDA context + non-PyTorch memory. */
  DEVICE("device");

  private final String label;

  Metric(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }
}
