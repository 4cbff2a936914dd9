/**
 * The agent's {@code /metrics}: the latest observations as Prometheus gauges and counters, written
 * by client_java's exposition library. Every metric name and help text lives in {@link
 * dev.headroom.agent.metrics.AgentMetrics}; names carry the {@code headroom_} prefix and base
 * units, and every GPU series carries {@code gpu_uuid}.
 */
package dev.headroom.agent.metrics;
