package dev.headroom.collector.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.alert.Alert;
import dev.headroom.collector.alert.AlertJson;
import dev.headroom.collector.runs.GpuSeries;
import dev.headroom.collector.runs.GpuView;
import dev.headroom.collector.runs.PeakComparison;
import dev.headroom.collector.runs.RunView;
import dev.headroom.collector.runs.TimedBytes;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The JSON shapes of the API, written field by field so the wire names are chosen here and not by
 * whatever the records happen to be called. Bytes stay bytes; times are ISO-8601 UTC strings.
 */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static ObjectNode run(RunView run, boolean withSeries, SeriesLookup series) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("runId", run.runId());
    out.put("source", run.source().name().toLowerCase(Locale.ROOT));
    out.put("hostname", run.hostname());
    run.hosts().forEach(out.putArray("hosts")::add);
    out.put("status", run.status().name().toLowerCase(Locale.ROOT));
    out.put("startedAt", run.startedAt().toString());
    out.put("lastSeenAt", run.lastSeenAt().toString());
    out.put("shortLived", ShortLivedProcesses.isShortLived(run));
    out.put("maxRatio", run.maxLastRatio());
    out.put("level", run.worstLevel().name().toLowerCase(Locale.ROOT));
    run.lastStep().ifPresent(s -> out.put("lastStep", s));
    run.specJson().ifPresent(s -> out.put("spec", s));
    run.prediction()
        .ifPresentOrElse(
            p -> {
              ObjectNode prediction = out.putObject("prediction");
              prediction.put("deviceBytes", p.deviceBytes());
              putOptional(prediction, "allocatedBytes", p.allocatedBytes());
              putOptional(prediction, "reservedBytes", p.reservedBytes());
              prediction.put("summary", p.summary());
            },
            () -> out.putNull("prediction"));
    run.predictionError().ifPresent(e -> out.put("predictionError", e));
    ArrayNode gpus = out.putArray("gpus");
    for (GpuView gpu : run.gpus()) {
      ObjectNode g = gpu(gpu);
      if (withSeries) {
        series.series(run.runId(), gpu.uuid()).ifPresent(s -> g.set("series", series(s)));
      }
      gpus.add(g);
    }
    return out;
  }

  /** The registry's series lookup, so this class needs no registry. */
  @FunctionalInterface
  interface SeriesLookup {
    java.util.Optional<GpuSeries> series(String runId, String uuid);
  }

  static ObjectNode gpu(GpuView gpu) {
    ObjectNode g = MAPPER.createObjectNode();
    g.put("uuid", gpu.uuid());
    g.put("hostname", gpu.hostname());
    g.put("index", gpu.index());
    g.put("name", gpu.name());
    g.put("state", gpu.deviceState().name().toLowerCase(Locale.ROOT));
    g.put("level", gpu.level().name().toLowerCase(Locale.ROOT));
    g.put("totalBytes", gpu.totalBytes());
    g.put("usableBytes", gpu.usableBytes());
    g.put("lastUsedBytes", gpu.lastUsedBytes());
    g.put("peakUsedBytes", gpu.peakUsedBytes());
    g.put("lastRatio", gpu.lastRatio());
    g.put("peakRatio", gpu.peakRatio());
    putOptional(g, "lastAllocatedBytes", gpu.lastAllocatedBytes());
    putOptional(g, "peakAllocatedBytes", gpu.peakAllocatedBytes());
    putOptional(g, "lastReservedBytes", gpu.lastReservedBytes());
    putOptional(g, "peakReservedBytes", gpu.peakReservedBytes());
    putOptional(g, "peakProcessUsedBytes", gpu.peakProcessUsedBytes());
    g.put("numAllocRetries", gpu.numAllocRetries());
    if (gpu.lastReportAt() != null) {
      g.put("lastReportAt", gpu.lastReportAt().toString());
    }
    ArrayNode pids = g.putArray("pids");
    gpu.pids().forEach(pids::add);
    ArrayNode comparisons = g.putArray("vsPrediction");
    for (PeakComparison c : gpu.comparisons()) {
      ObjectNode node = comparisons.addObject();
      node.put("metric", c.metric().name().toLowerCase(Locale.ROOT));
      node.put("observedPeakBytes", c.observedPeakBytes());
      node.put("predictedBytes", c.predictedBytes());
      node.put("observedOverPredicted", c.observedOverPredicted());
    }
    return g;
  }

  static ObjectNode series(GpuSeries series) {
    ObjectNode s = MAPPER.createObjectNode();
    s.set("usedBytes", points(series.usedBytes()));
    s.set("usableBytes", points(series.usableBytes()));
    s.set("allocatedBytes", points(series.allocatedBytes()));
    s.set("reservedBytes", points(series.reservedBytes()));
    return s;
  }

  private static ArrayNode points(List<TimedBytes> points) {
    ArrayNode out = MAPPER.createArrayNode();
    for (TimedBytes p : points) {
      out.addArray().add(p.at().toString()).add(p.bytes());
    }
    return out;
  }

  static ObjectNode alert(Alert alert) {
    ObjectNode a = MAPPER.createObjectNode();
    a.put("kind", alert.kind().slug());
    a.put("severity", alert.severity().label());
    a.put("runId", alert.runId());
    a.put("subject", alert.key().subject());
    a.put("hostname", alert.hostname());
    alert.gpuUuid().ifPresentOrElse(u -> a.put("gpuUuid", u), () -> a.putNull("gpuUuid"));
    a.put("active", alert.active());
    a.put("raisedAt", alert.raisedAt().toString());
    alert.resolvedAt().ifPresentOrElse(r -> a.put("resolvedAt", r.toString()), () -> a.putNull("resolvedAt"));
    a.put("explanation", alert.explanation());
    a.put("suggestedAction", alert.suggestedAction());
    AlertJson.putValues(a.putObject("values"), alert.values());
    return a;
  }

  private static void putOptional(ObjectNode node, String field, OptionalLong value) {
    if (value.isPresent()) {
      node.put(field, value.getAsLong());
    } else {
      node.putNull(field);
    }
  }
}
