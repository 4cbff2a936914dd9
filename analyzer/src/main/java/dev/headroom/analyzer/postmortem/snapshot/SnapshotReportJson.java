package dev.headroom.analyzer.postmortem.snapshot;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.postmortem.NullWhenAbsent;
import java.util.Map;

/**
 * The {@code --json} form of a snapshot report: one object. The first keys are the ones issue 6
 * fixes ({@code source, reserved_bytes, allocated_bytes, largest_free_block_bytes, segments,
 * blocks, verdict}); the rest add detail. Bytes are integers; absent values null.
 */
public final class SnapshotReportJson {

  private SnapshotReportJson() {}

  public static ObjectNode toJson(SnapshotReport r) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode n = f.objectNode();
    n.put("source", r.source());
    n.put("kind", "allocator-snapshot");
    n.put("reserved_bytes", r.reservedBytes());
    n.put("allocated_bytes", r.allocatedBytes());
    NullWhenAbsent.put(n, "largest_free_block_bytes", r.largestFreeBlockBytes());
    n.put("segments", r.segments());
    n.put("blocks", r.blocks());
    n.put("verdict", r.verdict().id());
    n.put("reason", r.reason());
    n.put("next_step", r.nextStep());
    n.put("active_bytes", r.activeBytes());
    n.put("cached_bytes", r.cachedBytes());
    n.put("inactive_split_bytes", r.inactiveSplitBytes());
    n.put("releasable_bytes", r.releasableBytes());
    ArrayNode devices = n.putArray("devices");
    r.devices().forEach(devices::add);
    n.put("trace_events", r.traceEvents());
    ObjectNode actions = n.putObject("trace_actions");
    r.actionCounts().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> actions.put(e.getKey(), e.getValue()));
    if (r.oom().isPresent()) {
      var o = r.oom().get();
      ObjectNode oom = n.putObject("oom");
      oom.put("device", o.device());
      oom.put("requested_bytes", o.requestedBytes());
      NullWhenAbsent.put(oom, "device_free_bytes", o.deviceFreeBytes());
      oom.put("free_block_could_hold", o.freeBlockCouldHold());
    } else {
      n.putNull("oom");
    }
    ArrayNode live = n.putArray("largest_allocations");
    for (var a : r.largestLive()) {
      ObjectNode o = live.addObject();
      o.put("device", a.device());
      o.put("size_bytes", a.sizeBytes());
      ArrayNode frames = o.putArray("frames");
      a.frames().forEach(fr -> frames.add(fr.toString()));
    }
    ArrayNode last = n.putArray("last_events");
    for (var e : r.lastEvents()) {
      ObjectNode o = last.addObject();
      o.put("device", e.device());
      o.put("action", e.action());
      o.put("size_bytes", e.sizeBytes());
      if (e.timeUs().isPresent()) {
        o.put("time_us", e.timeUs().getAsLong());
      }
    }
    r.settings().flatMap(AllocatorSettings::allocConf).ifPresent(c -> n.put("pytorch_cuda_alloc_conf", c));
    return n;
  }
}
