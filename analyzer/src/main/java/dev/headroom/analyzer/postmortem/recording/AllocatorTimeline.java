package dev.headroom.analyzer.postmortem.recording;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * What the training process's reporter said about its allocator over a recording (one process,
 * one framework device ordinal).
 */
public record AllocatorTimeline(
    long pid,
    int cudaDevice,
    int samples,
    long peakAllocatedBytes,
    long peakReservedBytes,
    long lastAllocatedBytes,
    long lastReservedBytes,
    long lastInactiveSplitBytes,
    OptionalLong lastLargestFreeBlockBytes,
    long numAllocRetries,
    long numOoms,
    Instant lastAt) {

  /** Last inactive split / reserved: the allocator's own fragmentation share. */
  public double lastFragmentationRatio() {
    return lastReservedBytes <= 0 ? 0.0 : (double) lastInactiveSplitBytes / lastReservedBytes;
  }
}
