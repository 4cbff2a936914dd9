package dev.headroom.analyzer.postmortem.snapshot;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The allocator configuration a ≈2.2+ snapshot records.
 *
 * @param allocConf the PYTORCH_CUDA_ALLOC_CONF string as parsed last
 * @param maxSplitSizeBytes empty when unset (the file stores -1 or SIZE_MAX)
 */
public record AllocatorSettings(
    Optional<String> allocConf, Optional<Boolean> expandableSegments, OptionalLong maxSplitSizeBytes) {}
