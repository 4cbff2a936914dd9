package dev.headroom.analyzer.postmortem.log;

/** Who raised an out-of-memory report; {@link #id()} is the name used in JSON. */
public enum Framework {
  PYTORCH("pytorch"),
  PYTORCH_ROCM("pytorch-rocm"),
  PYTORCH_MPS("pytorch-mps"),
  PYTORCH_XPU("pytorch-xpu"),
  DEEPSPEED("deepspeed"),
  VLLM("vllm"),
  BITSANDBYTES("bitsandbytes"),
  JAX("jax"),
  TENSORFLOW("tensorflow"),
  NCCL("nccl"),
  CUBLAS("cublas"),
  CUPY("cupy");

  private final String id;

  Framework(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** True for the frameworks whose numbers come from PyTorch's CUDA caching allocator message. */
  public boolean usesPytorchCudaAllocator() {
    return this == PYTORCH || this == DEEPSPEED || this == VLLM || this == BITSANDBYTES;
  }
}
