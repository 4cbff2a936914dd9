package dev.headroom.collector.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertEvent;
import java.util.Map;

/**
 * The JSON shape of an alert event, as webhooks receive it (docs/alerts.md shows an example):
 * {@code status} ("raised"/"resolved"), {@code kind}, {@code alertname}, {@code severity}, {@code
 * runId}, {@code hostname}, {@code gpuUuid} (null for agent alerts), {@code subject}, {@code values}
 * (integral numbers as integers), {@code explanation}, {@code suggestedAction}, {@code raisedAt},
 * {@code resolvedAt} (ISO-8601 UTC, null while active).
 */
public final class AlertJson {
  private final ObjectMapper mapper;

  public AlertJson(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public ObjectNode event(AlertEvent event) {
    ObjectNode node = alert(event.alert());
    node.put("status", event instanceof AlertEvent.Raised ? "raised" : "resolved");
    return node;
  }

  public ObjectNode alert(Alert a) {
    ObjectNode node = mapper.createObjectNode();
    node.put("kind", a.kind().slug());
    node.put("alertname", a.kind().alertName());
    node.put("severity", a.severity().label());
    node.put("runId", a.runId());
    node.put("hostname", a.hostname());
    node.put("gpuUuid", a.gpuUuid().orElse(null));
    node.put("subject", a.key().subject());
    putValues(node.putObject("values"), a.values());
    node.put("explanation", a.explanation());
    node.put("suggestedAction", a.suggestedAction());
    node.put("raisedAt", a.raisedAt().toString());
    node.put("resolvedAt", a.resolvedAt().map(Object::toString).orElse(null));
    return node;
  }

  /** An alert's values, integral numbers (bytes, counts) as JSON integers: the webhook's and the API's rule. */
  public static void putValues(ObjectNode values, Map<String, Double> alertValues) {
    for (Map.Entry<String, Double> v : alertValues.entrySet()) {
      double d = v.getValue();
      if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
        values.put(v.getKey(), (long) d);
      } else {
        values.put(v.getKey(), d);
      }
    }
  }
}
