package dev.headroom.analyzer.model;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The training process's own allocator statistics, posted by a reporter (e.g. {@code
 * torch.cuda.memory_stats()}). This is where fragmentation is visible: {@code reserved − allocated}
 * is memory the allocator holds but cannot hand out for the request at hand.
 *
 * @param pid the training process
 * @param cudaDevice the framework's device ordinal (not the NVML index)
 * @param uuid the GPU UUID when the reporter could tell it
 * @param allocatedBytes bytes in live tensors now
 * @param peakAllocatedBytes the allocator's own peak since start or last reset
 * @param reservedBytes bytes held from the driver by the caching allocator
 * @param peakReservedBytes reserved peak
 * @param activeBytes bytes in active blocks (live or waiting on a stream)
 * @param inactiveSplitBytes free bytes stranded inside partly used segments
 * @param largestFreeBlockBytes the largest free block, when the framework can tell
 * @param numAllocRetries times the allocator freed its cache and retried (a fragmentation sign)
 * @param numOoms out-of-memory errors raised
 */
public record AllocatorSample(
    Instant at,
    long pid,
    int cudaDevice,
    Optional<String> uuid,
    long allocatedBytes,
    long peakAllocatedBytes,
    long reservedBytes,
    long peakReservedBytes,
    long activeBytes,
    long inactiveSplitBytes,
    OptionalLong largestFreeBlockBytes,
    long numAllocRetries,
    long numOoms)
    implements Observation {

  /** Reserved by the allocator but not handed out. */
  public long reservedUnallocatedBytes() {
    return Math.max(0, reservedBytes - allocatedBytes);
  }
}
