package dev.headroom.analyzer.model;

import java.time.Instant;

/** Host RAM and swap: CPU offload and paged optimizers live there. */
public record HostMemoryReport(
    String hostname,
    Instant at,
    long totalBytes,
    long availableBytes,
    long swapTotalBytes,
    long swapUsedBytes)
    implements Observation {}
