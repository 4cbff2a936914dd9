/**
 * The collector's alert engine (detectors on live observations, per run and GPU) and its sinks:
 * the log, webhooks with a persisted retry queue, Alertmanager API v2; plus the Prometheus rules
 * that express the same thresholds for teams alerting from the agents' /metrics.
 */
package dev.headroom.collector.alert;
