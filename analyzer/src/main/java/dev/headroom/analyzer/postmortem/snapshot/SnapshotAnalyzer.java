package dev.headroom.analyzer.postmortem.snapshot;

import dev.headroom.analyzer.postmortem.ByteCount;
import dev.headroom.analyzer.postmortem.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/** Computes a {@link SnapshotReport}: sums, fragmentation, the OOM request, top allocations. */
public final class SnapshotAnalyzer {

  /** Without an OOM event, this share of reserved stranded in partly used segments is fragmentation. */
  public static final double FRAGMENTED_SHARE = 0.20;
  /** … and at least this much, so a tiny test snapshot is not called fragmented. */
  public static final long FRAGMENTED_MIN_BYTES = 256L << 20;
  public static final int DEFAULT_TOP = 10;
  public static final int DEFAULT_LAST_EVENTS = 20;
  private static final int FRAMES_SHOWN = 6;

  private final int top;
  private final int lastEvents;

  public SnapshotAnalyzer() {
    this(DEFAULT_TOP, DEFAULT_LAST_EVENTS);
  }

  public SnapshotAnalyzer(int top, int lastEvents) {
    this.top = top;
    this.lastEvents = lastEvents;
  }

  public SnapshotReport analyze(AllocatorSnapshot s, String source) {
    long reserved = 0;
    long allocated = 0;
    long active = 0;
    long inactiveSplit = 0;
    long releasable = 0;
    int blocks = 0;
    long largestFree = -1;
    TreeSet<Integer> devices = new TreeSet<>();
    List<SnapshotReport.LiveAllocation> live = new ArrayList<>();
    for (Segment seg : s.segments()) {
      devices.add(seg.device());
      reserved += seg.totalBytes();
      allocated += seg.allocatedBytes();
      active += seg.activeBytes();
      blocks += seg.blocks().size();
      boolean partlyUsed = seg.partlyUsed();
      if (!partlyUsed) {
        releasable += seg.totalBytes();
      }
      for (Block b : seg.blocks()) {
        if (b.state() == BlockState.INACTIVE) {
          largestFree = Math.max(largestFree, b.sizeBytes());
          if (partlyUsed && !seg.expandable()) {
            inactiveSplit += b.sizeBytes();
          }
        } else if (b.state() == BlockState.ACTIVE_ALLOCATED) {
          live.add(new SnapshotReport.LiveAllocation(
              seg.device(), b.sizeBytes(), b.address(), shownFrames(b.frames())));
        }
      }
    }
    live.sort(Comparator.comparingLong(SnapshotReport.LiveAllocation::sizeBytes).reversed());
    if (live.size() > top) {
      live = live.subList(0, top);
    }
    TreeMap<String, Integer> actions = new TreeMap<>();
    TraceEvent lastOom = null;
    for (TraceEvent e : s.traces()) {
      actions.merge(e.action(), 1, Integer::sum);
      devices.add(e.device());
      if (e.isOom()) {
        lastOom = e;
      }
    }
    Optional<SnapshotReport.OomAtSnapshot> oom = Optional.empty();
    if (lastOom != null) {
      oom = Optional.of(new SnapshotReport.OomAtSnapshot(
          lastOom.device(), lastOom.sizeBytes(), lastOom.deviceFreeBytes(),
          largestFreeOn(s, lastOom.device()) >= lastOom.sizeBytes()));
    }
    List<TraceEvent> tail = s.traces().subList(Math.max(0, s.traces().size() - lastEvents), s.traces().size());
    Judgement j = judge(reserved, allocated, inactiveSplit, releasable, largestFree, oom, s.settings());
    return new SnapshotReport(
        source, List.copyOf(devices), s.segments().size(), blocks, reserved, allocated, active,
        inactiveSplit, releasable, largestFree < 0 ? OptionalLong.empty() : OptionalLong.of(largestFree),
        s.traces().size(), actions, oom, live, tail, s.settings(), j.verdict, j.reason, j.nextStep);
  }

  private static long largestFreeOn(AllocatorSnapshot s, int device) {
    long max = -1;
    for (Segment seg : s.segments()) {
      if (seg.device() == device) {
        for (Block b : seg.blocks()) {
          if (b.state() == BlockState.INACTIVE) {
            max = Math.max(max, b.sizeBytes());
          }
        }
      }
    }
    return max;
  }

  /** Frames of the allocator and the stack capture itself: the same in every stack, so never shown. */
  private static final List<String> INTERNAL_FRAME_PREFIXES = List.of(
      "torch::unwind::", "torch::CapturedTraceback::", "torch::cuda::", "c10::cuda::", "at::detail::",
      "at::TensorBase at::detail::");

  /**
   * Python frames when there are any (that is where a user can act); else the C++ frames below
   * the allocator's own, e.g. the operator that asked for the memory (backward, C++ threads).
   */
  private static List<Frame> shownFrames(List<Frame> frames) {
    List<Frame> python = frames.stream().filter(Frame::isPython).limit(FRAMES_SHOWN).toList();
    if (!python.isEmpty()) {
      return python;
    }
    return frames.stream()
        .filter(f -> INTERNAL_FRAME_PREFIXES.stream().noneMatch(f.name()::startsWith))
        .limit(FRAMES_SHOWN)
        .toList();
  }

  private record Judgement(Verdict verdict, String reason, String nextStep) {}

  private static Judgement judge(
      long reserved, long allocated, long inactiveSplit, long releasable, long largestFree,
      Optional<SnapshotReport.OomAtSnapshot> oom, Optional<AllocatorSettings> settings) {
    long cached = reserved - allocated;
    boolean expandableOn = settings.flatMap(AllocatorSettings::expandableSegments).orElse(false);
    String fragStep = expandableOn
        ? "expandable segments are already on: free long-lived temporaries earlier, or set"
            + " max_split_size_mb so big cached blocks are not split"
        : "set PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True (or max_split_size_mb on PyTorch < 2.1)";
    if (oom.isPresent()) {
      var o = oom.get();
      String req = ByteCount.human(o.requestedBytes());
      if (o.freeBlockCouldHold()) {
        return new Judgement(Verdict.FRAGMENTATION,
            "a free block of " + ByteCount.human(largestFree) + " could have held the " + req
                + " request, but not for that stream or pool (blocks are not shared across streams/pools)",
            "allocate on one stream or record_stream() the tensor; " + fragStep);
      }
      if (cached >= o.requestedBytes()) {
        return new Judgement(Verdict.FRAGMENTATION,
            ByteCount.human(cached) + " was cached, enough for the " + req + " request, but the largest"
                + " free block was " + (largestFree < 0 ? "none" : ByteCount.human(largestFree)),
            fragStep);
      }
      return new Judgement(Verdict.SHORTAGE,
          "the " + req + " request exceeded everything cached (" + ByteCount.human(cached) + ")"
              + o.deviceFreeBytes().stream().mapToObj(f -> " plus the " + ByteCount.human(f) + " free on the device").findFirst().orElse(""),
          "reduce peak memory: smaller micro-batch, activation checkpointing, mixed precision, sharding"
              + " (`headroom predict` shows which rung fits)");
    }
    if (inactiveSplit >= FRAGMENTED_MIN_BYTES && (double) inactiveSplit / reserved >= FRAGMENTED_SHARE) {
      return new Judgement(Verdict.FRAGMENTATION,
          ByteCount.human(inactiveSplit) + " (" + Math.round(100.0 * inactiveSplit / reserved)
              + "% of reserved) is free but stranded inside partly used segments",
          fragStep);
    }
    String note;
    if (reserved > 0 && cached * 100 < reserved) {
      note = "no oom event in the trace; almost nothing is cached (allocated is "
          + String.format("%.2f", 100.0 * allocated / reserved)
          + "% of reserved), so an OOM at this moment would be a shortage";
    } else if (releasable > 0 && releasable * 2 >= cached && cached > 0) {
      note = "no oom event in the trace; " + ByteCount.human(cached) + " is cached, "
          + ByteCount.human(releasable) + " of it in wholly free segments that empty_cache() could return";
    } else {
      note = "no oom event in the trace and no strong sign of fragmentation";
    }
    return new Judgement(Verdict.UNKNOWN, note,
        "record the history before the failing step (torch.cuda.memory._record_memory_history())"
            + " and dump the snapshot from an OOM observer so the trace holds the failed request");
  }
}
