package dev.headroom.analyzer.postmortem;

import dev.headroom.analyzer.postmortem.log.OomEvent;
import dev.headroom.analyzer.postmortem.log.ProcessUsage;
import dev.headroom.analyzer.postmortem.log.ScanSummary;
import dev.headroom.analyzer.postmortem.recording.AllocatorTimeline;
import dev.headroom.analyzer.postmortem.recording.GpuTimeline;
import dev.headroom.analyzer.postmortem.recording.RecordingReport;
import dev.headroom.analyzer.postmortem.snapshot.AllocatorSettings;
import dev.headroom.analyzer.postmortem.snapshot.SnapshotReport;
import dev.headroom.analyzer.postmortem.snapshot.TraceEvent;
import java.util.Locale;
import java.util.Optional;

/** The human summary printed by {@code headroom postmortem} without {@code --json}. */
public final class TerminalSummary {

  private TerminalSummary() {}

  public static String event(OomEvent e) {
    StringBuilder sb = new StringBuilder();
    sb.append(e.source()).append(':').append(e.line()).append("  ").append(e.framework().id())
        .append(" OOM").append(e.gpuIndex().isPresent() ? " on GPU " + e.gpuIndex().getAsInt() : "")
        .append(e.repeats() > 1 ? "  (printed " + e.repeats() + " times)" : "").append('\n');
    sb.append("  ").append(e.excerpt()).append('\n');
    row(sb, "tried to allocate", e.triedToAllocate());
    row(sb, "total capacity", e.totalCapacity());
    row(sb, "free", e.free());
    row(sb, "allocated (framework)", e.allocatedByFramework());
    row(sb, "reserved, unallocated", e.reservedUnallocated());
    row(sb, "limit", e.allowedLimit());
    for (ProcessUsage p : e.processes()) {
      sb.append(String.format(Locale.ROOT, "  %-22s %s%n",
          p.self() ? "this process" : p.pid().isPresent() ? "process " + p.pid().getAsLong() : "process (bad pid)",
          p.used().human()));
    }
    sb.append("  verdict: ").append(e.verdict().id()).append(" — ").append(e.reason()).append('\n');
    for (String a : e.anomalies()) {
      sb.append("  note: ").append(a).append('\n');
    }
    sb.append("  next step: ").append(e.nextStep()).append('\n');
    return sb.toString();
  }

  public static String noEvents(ScanSummary s) {
    return s.source() + ": no out-of-memory report in " + s.lines() + " lines ("
        + ByteCount.human(s.bytes()) + ")\n";
  }

  public static String snapshot(SnapshotReport r) {
    StringBuilder sb = new StringBuilder();
    sb.append(r.source()).append("  allocator snapshot: ").append(r.segments()).append(" segments, ")
        .append(r.blocks()).append(" blocks, devices ").append(r.devices()).append('\n');
    line(sb, "reserved", r.reservedBytes());
    line(sb, "allocated", r.allocatedBytes());
    line(sb, "active", r.activeBytes());
    line(sb, "cached (reserved − allocated)", r.cachedBytes());
    sb.append(String.format(Locale.ROOT, "  %-32s %s (%.1f%% of reserved)%n", "inactive split (non-releasable)",
        ByteCount.human(r.inactiveSplitBytes()), 100 * r.fragmentationRatio()));
    line(sb, "releasable by empty_cache()", r.releasableBytes());
    sb.append(String.format(Locale.ROOT, "  %-32s %s%n", "largest free block",
        r.largestFreeBlockBytes().isPresent() ? ByteCount.human(r.largestFreeBlockBytes().getAsLong()) : "none"));
    r.oom().ifPresent(o -> sb.append(String.format(Locale.ROOT, "  %-32s %s on device %d; a free block could%s hold it%n",
        "failed request (oom event)", ByteCount.human(o.requestedBytes()), o.device(),
        o.freeBlockCouldHold() ? "" : " not")));
    r.settings().flatMap(AllocatorSettings::allocConf).filter(c -> !c.isEmpty())
        .ifPresent(c -> sb.append("  PYTORCH_CUDA_ALLOC_CONF=").append(c).append('\n'));
    if (!r.largestLive().isEmpty()) {
      sb.append("  largest live allocations:\n");
      for (var a : r.largestLive()) {
        sb.append(String.format(Locale.ROOT, "    %12s  %s%n", ByteCount.human(a.sizeBytes()),
            a.frames().isEmpty() ? "(no stack recorded)" : shorten(a.frames().get(0).toString(), 140)));
      }
    }
    if (!r.lastEvents().isEmpty()) {
      sb.append("  last trace events (of ").append(r.traceEvents()).append("):\n");
      for (TraceEvent e : r.lastEvents()) {
        sb.append(String.format(Locale.ROOT, "    dev %d  %-15s %s%n", e.device(), e.action(),
            ByteCount.human(e.sizeBytes())));
      }
    }
    sb.append("  verdict: ").append(r.verdict().id()).append(" — ").append(r.reason()).append('\n');
    sb.append("  next step: ").append(r.nextStep()).append('\n');
    return sb.toString();
  }

  public static String recording(RecordingReport r) {
    StringBuilder sb = new StringBuilder();
    sb.append(r.source()).append("  recording: ").append(r.observations()).append(" observations");
    if (r.first().isPresent()) {
      sb.append(", ").append(r.first().get()).append(" → ").append(r.last().get());
    }
    sb.append('\n');
    for (GpuTimeline g : r.gpus()) {
      sb.append(String.format(Locale.ROOT, "  GPU %d %s (%s) on %s%n", g.index(), g.name(), g.uuid(), g.hostname()));
      sb.append(String.format(Locale.ROOT, "    peak %s of %s usable (%.1f%%) at %s%s%n",
          ByteCount.human(g.peakUsedBytes()), ByteCount.human(g.usableBytes()), 100 * g.peakRatio(), g.peakAt(),
          g.peakHolder().map(p -> ", held mostly by pid " + p.pid() + p.name().map(n -> " (" + n + ")").orElse("")
              + " with " + ByteCount.human(p.usedBytes())).orElse("")));
      sb.append(String.format(Locale.ROOT, "    last %s at %s, state %s%n", ByteCount.human(g.lastUsedBytes()),
          g.lastAt(), g.lastState()));
      if (g.trendBytesPerSecond().isPresent()) {
        double perMin = g.trendBytesPerSecond().getAsDouble() * 60;
        sb.append(String.format(Locale.ROOT, "    baseline trend %s%s per minute%s%n", perMin < 0 ? "−" : "+",
            ByteCount.human(Math.round(Math.abs(perMin))),
            perMin > 0 && g.usableBytes() > g.lastUsedBytes()
                ? String.format(Locale.ROOT, " (full in ≈%.0f min at this rate)", (g.usableBytes() - g.lastUsedBytes()) / perMin)
                : ""));
      } else {
        sb.append("    baseline trend: too little data (under a minute or 3 reports)\n");
      }
    }
    for (AllocatorTimeline a : r.allocators()) {
      sb.append(String.format(Locale.ROOT,
          "  allocator pid %d cuda:%d: peak allocated %s, peak reserved %s, last inactive split %s (%.1f%%),"
              + " %d alloc retries, %d OOMs%n",
          a.pid(), a.cudaDevice(), ByteCount.human(a.peakAllocatedBytes()), ByteCount.human(a.peakReservedBytes()),
          ByteCount.human(a.lastInactiveSplitBytes()), 100 * a.lastFragmentationRatio(), a.numAllocRetries(),
          a.numOoms()));
    }
    if (r.allocators().isEmpty()) {
      sb.append("  no allocator statistics (the reporter did not run)\n");
    }
    r.lastStep().ifPresent(s -> sb.append("  last step mark: ").append(s.step()).append(" (").append(s.phase())
        .append(") at ").append(s.at()).append('\n'));
    r.runSpec().ifPresent(s -> sb.append("  run spec declared (").append(s.runId()).append(")\n"));
    r.prediction().ifPresent(c -> {
      if (c.problem().isPresent()) {
        sb.append("  prediction: none (").append(c.problem().get()).append(")\n");
      } else {
        sb.append(String.format(Locale.ROOT, "  prediction: device peak %s per GPU; observed %s (%.0f%% of predicted)%n",
            ByteCount.human(c.predictedDevicePeakBytes().getAsLong()), ByteCount.human(c.observedPeakBytes()),
            100 * c.observedOverPredicted().orElse(0.0)));
        sb.append("  what would have fit: ").append(c.firstFit()
            .map(f -> "climbing the ladder down to \"" + f.name() + "\" (" + ByteCount.human(f.predictedDevicePeakBytes())
                + " predicted; cost: " + f.cost() + ")")
            .orElse(c.ladder().isEmpty() ? "the run already fits as declared" : "no rung of the ladder fits this GPU"))
            .append('\n');
      }
    });
    if (r.xidEvents() > 0) {
      sb.append("  XID events: ").append(r.xidEvents()).append('\n');
    }
    for (String p : r.problems()) {
      sb.append("  skipped: ").append(p).append('\n');
    }
    return sb.toString();
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }

  private static void row(StringBuilder sb, String label, Optional<ByteCount> v) {
    v.ifPresent(b -> sb.append(String.format(Locale.ROOT, "  %-22s %s%n", label, b.human())));
  }

  private static void line(StringBuilder sb, String label, long bytes) {
    sb.append(String.format(Locale.ROOT, "  %-32s %s%n", label, ByteCount.human(bytes)));
  }
}
