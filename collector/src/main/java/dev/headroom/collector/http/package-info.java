/**
 * The collector's HTTP side (Netty): the dashboard (fleet and run pages), server-rendered charts at
 * {@code /charts/…}, the JSON API ({@code /api/runs}, {@code /api/runs/{id}}, {@code /api/alerts}),
 * {@code /metrics} in the Prometheus text format and {@code /healthz}.
 */
package dev.headroom.collector.http;
