package dev.headroom.analyzer.postmortem.snapshot;

import dev.headroom.analyzer.postmortem.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a snapshot says about memory and fragmentation.
 *
 * @param reservedBytes Σ segment total_size: what the allocator holds from the driver
 * @param allocatedBytes Σ segment allocated_size: in live tensors
 * @param activeBytes Σ active_size: allocated plus blocks freed but still used by a stream
 * @param inactiveSplitBytes free blocks inside segments that also hold live blocks (not in
 *     expandable segments): what empty_cache() cannot return, the allocator's fragmentation
 * @param releasableBytes wholly free segments: what empty_cache() would return
 * @param largestFreeBlockBytes the largest inactive block, empty when no block is free
 * @param oom the failed request, when the trace holds an {@code oom} event
 * @param largestLive the biggest live allocations, largest first
 * @param lastEvents the trace's last events (all devices), oldest first
 * @param actionCounts trace events per action
 */
public record SnapshotReport(
    String source,
    List<Integer> devices,
    int segments,
    int blocks,
    long reservedBytes,
    long allocatedBytes,
    long activeBytes,
    long inactiveSplitBytes,
    long releasableBytes,
    OptionalLong largestFreeBlockBytes,
    int traceEvents,
    Map<String, Integer> actionCounts,
    Optional<OomAtSnapshot> oom,
    List<LiveAllocation> largestLive,
    List<TraceEvent> lastEvents,
    Optional<AllocatorSettings> settings,
    Verdict verdict,
    String reason,
    String nextStep) {

  public SnapshotReport {
    devices = List.copyOf(devices);
    actionCounts = Map.copyOf(actionCounts);
    largestLive = List.copyOf(largestLive);
    lastEvents = List.copyOf(lastEvents);
  }

  /** reserved − allocated: cached by the allocator, not in tensors. */
  public long cachedBytes() {
    return reservedBytes - allocatedBytes;
  }

  /** inactive split / reserved; 0 for an empty snapshot. */
  public double fragmentationRatio() {
    return reservedBytes == 0 ? 0.0 : (double) inactiveSplitBytes / reservedBytes;
  }

  /**
   * The last {@code oom} trace event and whether any free block could have held it.
   *
   * @param deviceFreeBytes cudaMemGetInfo free at the failure, when recorded
   * @param freeBlockCouldHold true when some inactive block on that device was at least the request
   */
  public record OomAtSnapshot(
      int device, long requestedBytes, OptionalLong deviceFreeBytes, boolean freeBlockCouldHold) {}

  /** A live block with where it was allocated (Python frames first when there are any). */
  public record LiveAllocation(int device, long sizeBytes, OptionalLong address, List<Frame> frames) {
    public LiveAllocation {
      frames = List.copyOf(frames);
    }
  }
}
