package dev.headroom.collector.runs;

import java.time.Instant;

/** One point of a memory series. */
public record TimedBytes(Instant at, long bytes) {}
