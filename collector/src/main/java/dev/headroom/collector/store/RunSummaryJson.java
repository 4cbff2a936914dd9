package dev.headroom.collector.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.collector.runs.AgentSummary;
import dev.headroom.collector.runs.GpuSummary;
import dev.headroom.collector.runs.RecordedThrough;
import dev.headroom.collector.runs.RunStatus;
import dev.headroom.collector.runs.RunSummary;
import dev.headroom.collector.runs.StoredGpu;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The catalog's {@code runs.summary_json} column: a {@link RunSummary} as JSON. Written by hand
 * rather than by data binding so that the column's shape is visible here and a field renamed in
 * the records does not silently change what older catalogs hold.
 */
final class RunSummaryJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunSummaryJson() {}

  static String write(RunSummary summary) {
    ObjectNode root = JSON.createObjectNode();
    root.put("lastSeenAt", summary.lastSeenAt().toString());
    root.put("status", summary.status().name());
    root.put("reportIntervalMillis", summary.reportInterval().toMillis());
    summary.lastStep().ifPresent(step -> root.put("lastStep", step));
    ArrayNode gpus = root.putArray("gpus");
    for (GpuSummary g : summary.gpus()) {
      ObjectNode n = gpus.addObject();
      StoredGpu s = g.stored();
      n.put("uuid", s.uuid());
      n.put("hostname", s.hostname());
      n.put("index", s.index());
      n.put("name", s.name());
      n.put("totalBytes", s.totalBytes());
      n.put("usableBytes", s.usableBytes());
      n.put("peakUsedBytes", s.peakUsedBytes());
      n.put("peakAllocatedBytes", s.peakAllocatedBytes());
      n.put("peakReservedBytes", s.peakReservedBytes());
      n.put("lastUsedBytes", g.lastUsedBytes());
      n.put("lastRatio", g.lastRatio());
      g.lastAllocatedBytes().ifPresent(v -> n.put("lastAllocatedBytes", v));
      g.lastReservedBytes().ifPresent(v -> n.put("lastReservedBytes", v));
      n.put("numAllocRetries", g.numAllocRetries());
      n.put("deviceState", g.deviceState().name());
      g.lastReportAt().ifPresent(at -> n.put("lastReportAt", at.toString()));
      n.put("sawRunProcess", g.sawRunProcess());
      ArrayNode pids = n.putArray("pids");
      g.pids().forEach(pids::add);
      g.peakProcessUsedBytes().ifPresent(v -> n.put("peakProcessUsedBytes", v));
    }
    ArrayNode through = root.putArray("recordedThrough");
    for (RecordedThrough r : summary.recordedThrough()) {
      through.addObject().put("agentId", r.agentId()).put("bootId", r.bootId()).put("sequence", r.sequence());
    }
    ArrayNode agents = root.putArray("agents");
    for (AgentSummary a : summary.agents()) {
      agents.addObject().put("agentId", a.agentId()).put("hostname", a.hostname())
          .put("lastReportAt", a.lastReportAt().toString()).put("reportIntervalMillis", a.reportInterval().toMillis());
    }
    return root.toString();
  }

  /**
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  static RunSummary read(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("summary is not JSON: " + e.getOriginalMessage(), e);
    }
    List<GpuSummary> gpus = new ArrayList<>();
    for (JsonNode n : required(root, "gpus")) {
      gpus.add(new GpuSummary(
          new StoredGpu(
              text(n, "uuid"),
              text(n, "hostname"),
              required(n, "index").asInt(),
              text(n, "name"),
              required(n, "totalBytes").asLong(),
              required(n, "usableBytes").asLong(),
              required(n, "peakUsedBytes").asLong(),
              required(n, "peakAllocatedBytes").asLong(),
              required(n, "peakReservedBytes").asLong()),
          required(n, "lastUsedBytes").asLong(),
          required(n, "lastRatio").asDouble(),
          optionalLong(n, "lastAllocatedBytes"),
          optionalLong(n, "lastReservedBytes"),
          required(n, "numAllocRetries").asLong(),
          DeviceState.valueOf(text(n, "deviceState")),
          n.hasNonNull("lastReportAt") ? Optional.of(Instant.parse(n.get("lastReportAt").asText())) : Optional.empty(),
          required(n, "sawRunProcess").asBoolean(),
          longs(required(n, "pids")),
          // Absent in the summaries of a collector before it was kept.
          optionalLong(n, "peakProcessUsedBytes")));
    }
    List<RecordedThrough> through = new ArrayList<>();
    for (JsonNode n : required(root, "recordedThrough")) {
      through.add(new RecordedThrough(text(n, "agentId"), text(n, "bootId"), required(n, "sequence").asLong()));
    }
    List<AgentSummary> agents = new ArrayList<>();
    // Absent in the summaries of a collector before it was kept.
    JsonNode agentNodes = root.get("agents");
    if (agentNodes != null && agentNodes.isArray()) {
      for (JsonNode n : agentNodes) {
        agents.add(new AgentSummary(text(n, "agentId"), text(n, "hostname"), Instant.parse(text(n, "lastReportAt")),
            Duration.ofMillis(required(n, "reportIntervalMillis").asLong())));
      }
    }
    return new RunSummary(
        Instant.parse(text(root, "lastSeenAt")),
        RunStatus.valueOf(text(root, "status")),
        Duration.ofMillis(required(root, "reportIntervalMillis").asLong()),
        optionalLong(root, "lastStep"),
        gpus,
        through,
        agents);
  }

  private static JsonNode required(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("summary field '" + field + "' is missing");
    }
    return v;
  }

  private static String text(JsonNode n, String field) {
    return required(n, field).asText();
  }

  private static OptionalLong optionalLong(JsonNode n, String field) {
    return n.hasNonNull(field) ? OptionalLong.of(n.get(field).asLong()) : OptionalLong.empty();
  }

  private static List<Long> longs(JsonNode array) {
    List<Long> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asLong()));
    return out;
  }
}
