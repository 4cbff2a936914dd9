package dev.headroom.nvml.sim;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * A simulated run's caching-allocator statistics at one instant, in the terms of {@code
 * torch.cuda.memory_stats()} (allocated/reserved current and peak, inactive split, retries, OOMs).
 * All quantities in bytes except the two counters.
 */
public record AllocatorState(
    Instant at,
    long allocatedBytes,
    long peakAllocatedBytes,
    long reservedBytes,
    long peakReservedBytes,
    long activeBytes,
    long inactiveSplitBytes,
    OptionalLong largestFreeBlockBytes,
    long numAllocRetries,
    long numOoms) {}
