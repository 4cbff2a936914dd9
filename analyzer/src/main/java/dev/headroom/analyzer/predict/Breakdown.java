package dev.headroom.analyzer.predict;

/**
 * Where the bytes of one GPU's peak go, at the moment of the peak. The parts add up to the peak.
 *
 * @param weightsBytes resident weights (this GPU's shard; frozen, quantised and trainable)
 * @param gradientsBytes gradients alive at the peak moment (none in the forward unless they are
 *     accumulated or held in DDP buckets)
 * @param optimizerBytes fp32 master copy, optimizer states and the step's temporaries
 * @param activationsBytes tensors saved for backward, recomputed layers and activation gradients
 * @param logitsBytes logits and cross-entropy transient at the loss
 * @param overheadBytes cuBLAS workspace, communication buckets, gathered shards, dequantised
 *     weights, and per metric the allocator's cached slack, CUDA context and non-PyTorch memory
 */
public record Breakdown(
    long weightsBytes,
    long gradientsBytes,
    long optimizerBytes,
    long activationsBytes,
    long logitsBytes,
    long overheadBytes) {

  public long totalBytes() {
    return weightsBytes + gradientsBytes + optimizerBytes + activationsBytes + logitsBytes + overheadBytes;
  }

  public Breakdown plusOverhead(long bytes) {
    return new Breakdown(weightsBytes, gradientsBytes, optimizerBytes, activationsBytes, logitsBytes,
        overheadBytes + bytes);
  }
}
