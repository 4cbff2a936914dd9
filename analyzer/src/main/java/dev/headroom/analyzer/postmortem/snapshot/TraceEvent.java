package dev.headroom.analyzer.postmortem.snapshot;

import java.util.List;
import java.util.OptionalLong;

/**
 * One entry of a device's allocator trace (a ring buffer of the last events).
 *
 * @param action alloc, free_requested, free_completed, segment_alloc, segment_free, segment_map,
 *     segment_unmap, oom, snapshot, annotate, …
 * @param address block address; empty for {@code oom} (which carries device-free bytes instead)
 * @param deviceFreeBytes for {@code oom}: cudaMemGetInfo free memory at the failure
 * @param timeUs microseconds since the epoch (≈2.2+)
 */
public record TraceEvent(
    int device,
    String action,
    OptionalLong address,
    long sizeBytes,
    long stream,
    OptionalLong deviceFreeBytes,
    OptionalLong timeUs,
    List<Frame> frames) {

  public TraceEvent {
    frames = List.copyOf(frames);
  }

  public boolean isOom() {
    return "oom".equals(action);
  }
}
