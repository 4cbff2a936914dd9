package dev.headroom.analyzer.postmortem.log;

import dev.headroom.analyzer.postmortem.ByteCount;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one report's text stated, filled by {@link ReportShapes}. Mutable because a report can be
 * completed by a second one printed next to it (TensorFlow prints the BFC line, the stats dump and
 * the Python exception separately).
 */
final class OomFields {
  final ReportKind kind;
  Framework framework;
  Integer gpuIndex;
  ByteCount tried;
  ByteCount total;
  ByteCount free;
  ByteCount allocated;
  ByteCount reservedUnallocated;
  ByteCount allowedLimit;
  /** MPS "other allocations": memory outside the MPS allocator but inside its watermark. */
  ByteCount otherAllocations;
  /** vLLM: the memory gpu_memory_utilization asked for. */
  ByteCount desired;
  final List<ProcessUsage> processes = new ArrayList<>();
  boolean processListPresent;
  final List<String> anomalies = new ArrayList<>();

  OomFields(ReportKind kind, Framework framework) {
    this.kind = kind;
    this.framework = framework;
  }

  /** Whether {@code other} can be the same failure reported again: same framework, no contradiction. */
  boolean compatibleWith(OomFields other) {
    return framework == other.framework
        && (kind == other.kind || (completesBfc(kind) && completesBfc(other.kind)))
        && agree(gpuIndex, other.gpuIndex)
        && agree(tried, other.tried)
        && agree(total, other.total)
        && agree(free, other.free)
        && agree(allocated, other.allocated)
        && agree(reservedUnallocated, other.reservedUnallocated)
        && (!processListPresent || !other.processListPresent || processes.equals(other.processes));
  }

  /**
   * TensorFlow and XLA print one failure in parts (BFC line, stats dump, exception); other shapes
   * are only the same failure when they are the same shape.
   */
  private static boolean completesBfc(ReportKind k) {
    return k == ReportKind.BFC_ALLOCATOR || k == ReportKind.TF_OOM || k == ReportKind.XLA_RESOURCE_EXHAUSTED;
  }

  /** Fills what this report lacked from a compatible one. */
  void absorb(OomFields other) {
    gpuIndex = gpuIndex != null ? gpuIndex : other.gpuIndex;
    tried = or(tried, other.tried);
    total = or(total, other.total);
    free = or(free, other.free);
    allocated = or(allocated, other.allocated);
    reservedUnallocated = or(reservedUnallocated, other.reservedUnallocated);
    allowedLimit = or(allowedLimit, other.allowedLimit);
    otherAllocations = or(otherAllocations, other.otherAllocations);
    desired = or(desired, other.desired);
    if (!processListPresent && other.processListPresent) {
      processes.addAll(other.processes);
      processListPresent = true;
    }
    for (String a : other.anomalies) {
      if (!anomalies.contains(a)) {
        anomalies.add(a);
      }
    }
  }

  boolean hasNumbers() {
    return tried != null || total != null || free != null || allocated != null;
  }

  private static <T> boolean agree(T a, T b) {
    return a == null || b == null || Objects.equals(a, b);
  }

  private static ByteCount or(ByteCount a, ByteCount b) {
    return a != null ? a : b;
  }

  static Optional<ByteCount> opt(ByteCount b) {
    return Optional.ofNullable(b);
  }
}
