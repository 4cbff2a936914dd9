package dev.headroom.analyzer.postmortem.log;

import dev.headroom.analyzer.postmortem.ByteCount;
import dev.headroom.analyzer.postmortem.Verdict;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One out-of-memory report found in a log, with what it says and what it means. Absent values are
 * those the text did not state; nothing is guessed into them.
 *
 * @param source the file (or stream name) it came from
 * @param line 1-based line of the first line of the report
 * @param repeats how many times the same report was printed close together (1 = once)
 * @param gpuIndex the device ordinal the text names ("GPU 0", "device:GPU:0", "GPU_0_bfc")
 * @param triedToAllocate the failed request (PyTorch: the rounded segment request)
 * @param totalCapacity device capacity as the framework saw it
 * @param free device-wide free memory at the failure (includes every other process's use)
 * @param allocatedByFramework bytes in live tensors (PyTorch: incl. private pools)
 * @param reservedUnallocated cached by the allocator but not handed out
 * @param allowedLimit a per-process cap ("X allowed;", MPS "max allowed", TF "Limit:")
 * @param processes the NVML process list, empty when the message had none
 * @param processListPresent whether the message carried an NVML process part at all
 * @param anomalies notes in words: numbers that cannot all be true at once, and figures taken
 *     from elsewhere in the log (DeepSpeed's see_memory_usage)
 * @param nextStep what to try, for this verdict and framework
 * @param excerpt the report's first line, trimmed, for display
 */
public record OomEvent(
    String source,
    long line,
    int repeats,
    Framework framework,
    OptionalInt gpuIndex,
    Optional<ByteCount> triedToAllocate,
    Optional<ByteCount> totalCapacity,
    Optional<ByteCount> free,
    Optional<ByteCount> allocatedByFramework,
    Optional<ByteCount> reservedUnallocated,
    Optional<ByteCount> allowedLimit,
    List<ProcessUsage> processes,
    boolean processListPresent,
    Verdict verdict,
    String reason,
    String nextStep,
    List<String> anomalies,
    String excerpt) {

  public OomEvent {
    processes = List.copyOf(processes);
    anomalies = List.copyOf(anomalies);
  }

  /** Entries in the NVML process list, empty when the message had no such part. */
  public OptionalInt processCount() {
    return processListPresent ? OptionalInt.of(processes.size()) : OptionalInt.empty();
  }
}
