package dev.headroom.analyzer.postmortem.snapshot;

import java.util.List;
import java.util.Optional;

/**
 * One cudaMalloc (or expandable virtual) segment.
 *
 * @param poolId the memory pool, e.g. "0,0" for the default pool; empty in 2.0-era files
 * @param expandable true for expandable segments (their free pages are not "inactive split")
 */
public record Segment(
    int device,
    long address,
    long totalBytes,
    long allocatedBytes,
    long activeBytes,
    long requestedBytes,
    long stream,
    String segmentType,
    Optional<String> poolId,
    boolean expandable,
    List<Block> blocks) {

  public Segment {
    blocks = List.copyOf(blocks);
  }

  /** True when some block in it is in use: its free blocks cannot be returned by empty_cache(). */
  public boolean partlyUsed() {
    return blocks.stream().anyMatch(b -> b.state() != BlockState.INACTIVE);
  }
}
