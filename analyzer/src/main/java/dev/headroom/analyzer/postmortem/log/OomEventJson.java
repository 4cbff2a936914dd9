package dev.headroom.analyzer.postmortem.log;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.postmortem.ByteCount;
import dev.headroom.analyzer.postmortem.NullWhenAbsent;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The {@code --json} form of an OOM event: exactly the keys issue 6 fixes, in this order; absent
 * values are null, bytes are numbers (exact decimals, as the log stated them).
 */
public final class OomEventJson {

  public static final List<String> KEYS =
      List.of(
          "source",
          "line",
          "framework",
          "gpu_index",
          "tried_to_allocate_bytes",
          "total_capacity_bytes",
          "free_bytes",
          "allocated_by_framework_bytes",
          "reserved_unallocated_bytes",
          "process_count",
          "verdict");

  private OomEventJson() {}

  public static ObjectNode toJson(OomEvent e) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("source", e.source());
    n.put("line", e.line());
    n.put("framework", e.framework().id());
    NullWhenAbsent.put(n, "gpu_index", e.gpuIndex());
    putBytes(n, "tried_to_allocate_bytes", e.triedToAllocate());
    putBytes(n, "total_capacity_bytes", e.totalCapacity());
    putBytes(n, "free_bytes", e.free());
    putBytes(n, "allocated_by_framework_bytes", e.allocatedByFramework());
    putBytes(n, "reserved_unallocated_bytes", e.reservedUnallocated());
    NullWhenAbsent.put(n, "process_count", e.processCount());
    n.put("verdict", e.verdict().id());
    return n;
  }

  private static void putBytes(ObjectNode n, String key, Optional<ByteCount> v) {
    if (v.isEmpty()) {
      n.putNull(key);
      return;
    }
    BigDecimal b = v.get().bytes();
    // Whole numbers as integers (no ".0", no exponent); fractions keep their exact digits.
    if (b.scale() <= 0) {
      n.put(key, b.toBigIntegerExact());
    } else {
      n.put(key, b);
    }
  }
}
