package dev.headroom.analyzer.postmortem.recording;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.postmortem.NullWhenAbsent;

/** The {@code --json} form of a recording report: one object; bytes as integers, times ISO-8601. */
public final class RecordingReportJson {

  private RecordingReportJson() {}

  public static ObjectNode toJson(RecordingReport r) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("source", r.source());
    n.put("kind", "recording");
    n.put("observations", r.observations());
    n.put("first", r.first().map(Object::toString).orElse(null));
    n.put("last", r.last().map(Object::toString).orElse(null));
    ArrayNode gpus = n.putArray("gpus");
    for (GpuTimeline g : r.gpus()) {
      ObjectNode o = gpus.addObject();
      o.put("hostname", g.hostname());
      o.put("uuid", g.uuid());
      o.put("index", g.index());
      o.put("name", g.name());
      o.put("total_bytes", g.totalBytes());
      o.put("usable_bytes", g.usableBytes());
      o.put("peak_used_bytes", g.peakUsedBytes());
      o.put("peak_at", g.peakAt().toString());
      o.put("peak_ratio", g.peakRatio());
      if (g.peakHolder().isPresent()) {
        var p = g.peakHolder().get();
        o.put("peak_holder_pid", p.pid());
        o.put("peak_holder_name", p.name().orElse(null));
        o.put("peak_holder_used_bytes", p.usedBytes());
      } else {
        o.putNull("peak_holder_pid");
      }
      o.put("last_used_bytes", g.lastUsedBytes());
      o.put("last_at", g.lastAt().toString());
      o.put("last_state", g.lastState().name());
      NullWhenAbsent.put(o, "trend_bytes_per_second", g.trendBytesPerSecond());
    }
    ArrayNode allocs = n.putArray("allocators");
    for (AllocatorTimeline a : r.allocators()) {
      ObjectNode o = allocs.addObject();
      o.put("pid", a.pid());
      o.put("cuda_device", a.cudaDevice());
      o.put("samples", a.samples());
      o.put("peak_allocated_bytes", a.peakAllocatedBytes());
      o.put("peak_reserved_bytes", a.peakReservedBytes());
      o.put("last_allocated_bytes", a.lastAllocatedBytes());
      o.put("last_reserved_bytes", a.lastReservedBytes());
      o.put("last_inactive_split_bytes", a.lastInactiveSplitBytes());
      o.put("num_alloc_retries", a.numAllocRetries());
      o.put("num_ooms", a.numOoms());
    }
    n.put("run_spec", r.runSpec().map(s -> s.specJson()).orElse(null));
    if (r.prediction().isPresent()) {
      PredictionCheck c = r.prediction().get();
      ObjectNode o = n.putObject("prediction");
      if (c.predictedDevicePeakBytes().isPresent()) {
        o.put("predicted_device_peak_bytes", c.predictedDevicePeakBytes().getAsLong());
        o.put("predicted_reserved_peak_bytes", c.predictedReservedPeakBytes().getAsLong());
      } else {
        o.putNull("predicted_device_peak_bytes");
      }
      o.put("observed_peak_bytes", c.observedPeakBytes());
      o.put("observed_over_predicted", c.observedOverPredicted().orElse(null));
      o.put("problem", c.problem().orElse(null));
      ArrayNode ladder = o.putArray("ladder");
      for (PredictionCheck.Rung rung : c.ladder()) {
        ObjectNode rn = ladder.addObject();
        rn.put("rung", rung.name());
        rn.put("cost", rung.cost());
        rn.put("predicted_device_peak_bytes", rung.predictedDevicePeakBytes());
        rn.put("fits", rung.fits());
      }
    } else {
      n.putNull("prediction");
    }
    n.put("last_step", r.lastStep().map(s -> s.step()).orElse(null));
    n.put("xid_events", r.xidEvents());
    ArrayNode problems = n.putArray("problems");
    r.problems().forEach(problems::add);
    return n;
  }
}
