package dev.headroom.analyzer.alert;

/**
 * Every alert headroom can raise. The {@link #slug()} is the stable name sinks and Prometheus rules
 * use ({@code alertname="HeadroomDanger"}, {@code kind="danger"}); docs/alerts.md explains each.
 */
public enum AlertKind {
  DANGER("danger", "HeadroomDanger"),
  PREDICTED_OOM("predicted-oom", "HeadroomPredictedOom"),
  LEAK("leak", "HeadroomLeak"),
  FRAGMENTATION("fragmentation", "HeadroomFragmentation"),
  DEVIATION("deviation", "HeadroomPredictionDeviation"),
  DEAD_PROCESS_MEMORY("dead-process-memory", "HeadroomDeadProcessMemory"),
  XID_ERROR("xid-error", "HeadroomXidError"),
  GPU_LOST("gpu-lost", "HeadroomGpuLost"),
  AGENT_SILENT("agent-silent", "HeadroomAgentSilent");

  private final String slug;
  private final String alertName;

  AlertKind(String slug, String alertName) {
    this.slug = slug;
    this.alertName = alertName;
  }

  /** Kebab-case id, e.g. {@code predicted-oom}. */
  public String slug() {
    return slug;
  }

  /** CamelCase name for Alertmanager's {@code alertname} label and Prometheus rules. */
  public String alertName() {
    return alertName;
  }
}
