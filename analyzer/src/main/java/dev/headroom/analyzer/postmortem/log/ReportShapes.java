package dev.headroom.analyzer.postmortem.log;

import static dev.headroom.analyzer.postmortem.log.SizeText.around;
import static dev.headroom.analyzer.postmortem.log.SizeText.find;

import dev.headroom.analyzer.postmortem.ByteCount;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the numbers out of one report's text (its trigger line from the trigger on, plus the
 * continuation lines joined with spaces). One method per report shape; the phrases are those of
 * the emitting code in every version we know (../shared/reference/pytorch-allocator-facts.md §4).
 */
final class ReportShapes {

  private ReportShapes() {}

  /**
   * @param head the trigger line before the trigger phrase: some shapes name the device there
   *     ("Allocator (GPU_0_bfc) ran out of memory")
   * @param text the report from the trigger phrase on, continuation lines joined with spaces
   */
  static OomFields extract(ReportKind kind, Framework framework, String head, String text) {
    OomFields f = new OomFields(kind, framework);
    switch (kind) {
      case TORCH_ALLOCATOR -> torchAllocator(f, text);
      case MPS_ALLOCATOR -> mps(f, text);
      case VLLM_STARTUP -> vllmStartup(f, text);
      case VLLM_KV_CACHE -> vllmKvCache(f, text);
      case XLA_RESOURCE_EXHAUSTED -> xla(f, text);
      case BFC_ALLOCATOR -> bfc(f, head + text);
      case TF_OOM -> tensorflow(f, text);
      case CUPY_POOL -> cupy(f, text);
      case CUDA_RUNTIME_ERROR, CUBLAS_ALLOC_FAILED, NCCL_CUDA_FAILURE -> {
        // These carry no allocator numbers; the verdict is made from the kind alone.
      }
    }
    return f;
  }

  // --- PyTorch caching allocator (CUDA / HIP / XPU), 1.x to 2.x -------------------------------

  private static final Pattern TRIED = around("Tried to allocate ", "");
  private static final Pattern GPU_INDEX =
      Pattern.compile("\\(GPU (\\d+);|GPU (\\d+) has a total capac");
  private static final Pattern TOTAL_OLD = around("", " total capacity");
  private static final Pattern TOTAL_NEW = around("total capac(?:i)?ty of ", "");
  private static final Pattern FREE_OLD = around("; ", " free");
  private static final Pattern FREE_NEW = around("of which ", " is free");
  private static final Pattern ALLOCATED_OLD = around("", " already allocated");
  private static final Pattern ALLOCATED_NEW = around("memory ", " is allocated by PyTorch");
  private static final Pattern CACHED = around("; ", " cached");
  private static final Pattern RESERVED_TOTAL = around("", " reserved in total by PyTorch");
  private static final Pattern RESERVED_UNALLOCATED =
      around("", " is reserved by PyTorch but unallocated");
  private static final Pattern ALLOWED = around("", " allowed;");
  private static final Pattern PROCESS = around("Process (?<pid>\\d+) has ", " memory in use");
  private static final Pattern SELF_PROCESS = around("this process has ", " memory in use");

  private static void torchAllocator(OomFields f, String text) {
    f.tried = find(TRIED, text).orElse(null);
    f.gpuIndex = firstInt(GPU_INDEX, text);
    f.total = first(text, TOTAL_NEW, TOTAL_OLD);
    f.free = first(text, FREE_NEW, FREE_OLD);
    f.allocated = first(text, ALLOCATED_NEW, ALLOCATED_OLD);
    f.allowedLimit = find(ALLOWED, text).orElse(null);
    Optional<ByteCount> unallocated = find(RESERVED_UNALLOCATED, text);
    Optional<ByteCount> cached = find(CACHED, text);
    Optional<ByteCount> reservedTotal = find(RESERVED_TOTAL, text);
    if (unallocated.isPresent()) {
      f.reservedUnallocated = unallocated.get();
    } else if (cached.isPresent()) {
      // Before 1.4 "cached" already is reserved − allocated.
      f.reservedUnallocated = cached.get();
    } else if (reservedTotal.isPresent() && f.allocated != null) {
      f.reservedUnallocated = reservedTotal.get().minus(f.allocated);
    }
    Matcher m = PROCESS.matcher(text);
    while (m.find()) {
      String pid = m.group("pid");
      // A pid of more than 18 digits is garbage, not a process; keep the memory, drop the number.
      OptionalLong parsed = pid.length() <= 18 ? OptionalLong.of(Long.parseLong(pid)) : OptionalLong.empty();
      f.processes.add(new ProcessUsage(parsed, false, SizeText.read(m)));
    }
    find(SELF_PROCESS, text)
        .ifPresent(b -> f.processes.add(new ProcessUsage(OptionalLong.empty(), true, b)));
    f.processListPresent = !f.processes.isEmpty();
  }

  // --- PyTorch MPS ------------------------------------------------------------------------------

  private static final Pattern MPS_ALLOCATED = around("MPS allocated: ", "");
  private static final Pattern MPS_OTHER = around("other allocations: ", "");
  private static final Pattern MPS_MAX_ALLOWED = around("max allowed: ", "");

  private static void mps(OomFields f, String text) {
    f.allocated = find(MPS_ALLOCATED, text).orElse(null);
    f.otherAllocations = find(MPS_OTHER, text).orElse(null);
    f.allowedLimit = find(MPS_MAX_ALLOWED, text).orElse(null);
    f.tried = find(TRIED, text).orElse(null);
  }

  // --- vLLM ---------------------------------------------------------------------------------------

  private static final Pattern VLLM_FREE =
      Pattern.compile(
          "Free memory on device \\((?<free>\\d[\\d,]*(?:\\.\\d+)?)/" + SizeText.SIZE + "\\)");
  private static final Pattern VLLM_DESIRED =
      around("desired GPU memory utilization \\([\\d.]+, ", "\\)");
  private static final Pattern VLLM_KV_NEEDED = around("", " KV cache is needed");
  private static final Pattern VLLM_KV_AVAILABLE = around("available KV cache memory \\(", "\\)");

  private static void vllmStartup(OomFields f, String text) {
    Matcher m = VLLM_FREE.matcher(text);
    if (m.find()) {
      ByteCount total = SizeText.read(m);
      // Both figures share the one unit printed after the total.
      BigDecimal unitBytes =
          SizeText.parse("1 " + m.group("u")).orElseThrow().bytes();
      f.total = total;
      f.free = new ByteCount(new BigDecimal(m.group("free").replace(",", "")).multiply(unitBytes));
    }
    f.desired = find(VLLM_DESIRED, text).orElse(null);
  }

  private static void vllmKvCache(OomFields f, String text) {
    f.tried = find(VLLM_KV_NEEDED, text).orElse(null);
    f.free = find(VLLM_KV_AVAILABLE, text).orElse(null);
  }

  // --- XLA / JAX ------------------------------------------------------------------------------------

  private static final Pattern XLA_TRIED =
      around("(?:trying to allocate|Failed to allocate request for|Out of memory allocating) ", "");
  private static final Pattern DEVICE_ORDINAL =
      Pattern.compile("device ordinal (\\d+)|device ID (\\d+)|GPU_(\\d+)_bfc|device:GPU:(\\d+)");

  private static void xla(OomFields f, String text) {
    f.tried = find(XLA_TRIED, text).orElse(null);
    f.gpuIndex = firstInt(DEVICE_ORDINAL, text);
    bfcStats(f, text);
  }

  // --- BFC allocator (TensorFlow and XLA) -----------------------------------------------------------

  private static final Pattern BFC_TRIED = around("trying to allocate ", "");
  private static final Pattern SUM_IN_USE = around("Sum Total of in-use chunks: ", "");
  private static final Pattern IN_USE = Pattern.compile("\\bInUse:\\s*(\\d+)");
  private static final Pattern LIMIT = Pattern.compile("\\bLimit:\\s*(\\d+)");
  private static final Pattern POOL = Pattern.compile("Total bytes in pool:\\s*(\\d+)");

  private static void bfc(OomFields f, String text) {
    f.tried = find(BFC_TRIED, text).orElse(null);
    f.gpuIndex = firstInt(DEVICE_ORDINAL, text);
    bfcStats(f, text);
  }

  /** The stats block a BFC allocator prints after its chunk dump; exact byte counts. */
  private static void bfcStats(OomFields f, String text) {
    Matcher inUse = IN_USE.matcher(text);
    if (inUse.find()) {
      f.allocated = SizeText.plainBytes(inUse.group(1));
    } else {
      f.allocated = find(SUM_IN_USE, text).orElse(f.allocated);
    }
    Matcher limit = LIMIT.matcher(text);
    if (limit.find()) {
      f.allowedLimit = SizeText.plainBytes(limit.group(1));
    }
    Matcher pool = POOL.matcher(text);
    if (pool.find() && f.allocated != null) {
      f.reservedUnallocated = SizeText.plainBytes(pool.group(1)).minus(f.allocated);
    }
  }

  // --- TensorFlow -------------------------------------------------------------------------------------

  private static final Pattern TF_TRIED =
      around("(?:tried to allocate|Request to allocate) ", "");
  private static final Pattern EIGEN_TRIED =
      Pattern.compile("ran out of memory when allocating (\\d[\\d,]*)\\b");

  private static void tensorflow(OomFields f, String text) {
    f.tried = find(TF_TRIED, text).orElse(null);
    if (f.tried == null) {
      Matcher m = EIGEN_TRIED.matcher(text);
      if (m.find()) {
        f.tried = SizeText.plainBytes(m.group(1));
      }
    }
    f.gpuIndex = firstInt(DEVICE_ORDINAL, text);
  }

  // --- CuPy -------------------------------------------------------------------------------------------

  private static final Pattern CUPY_TRIED = around("out of memory to allocate ", "");

  private static void cupy(OomFields f, String text) {
    f.tried = find(CUPY_TRIED, text).orElse(null);
  }

  // --- helpers ----------------------------------------------------------------------------------------

  private static ByteCount first(String text, Pattern... patterns) {
    for (Pattern p : patterns) {
      Optional<ByteCount> b = find(p, text);
      if (b.isPresent()) {
        return b.get();
      }
    }
    return null;
  }

  /** The first non-null group of the first match, as an int; null when none or out of range. */
  private static Integer firstInt(Pattern p, String text) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      return null;
    }
    for (int g = 1; g <= m.groupCount(); g++) {
      String s = m.group(g);
      if (s != null) {
        return s.length() > 6 ? null : Integer.valueOf(s);
      }
    }
    return null;
  }
}
