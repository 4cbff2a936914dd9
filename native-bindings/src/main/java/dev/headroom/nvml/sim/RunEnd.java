package dev.headroom.nvml.sim;

import java.time.Instant;

/**
 * How and when a simulated run's process ended.
 *
 * @param at the instant the process disappeared from the GPU
 * @param outOfMemory true for an OOM crash (forced by {@code oomAt} or found by the overflow scan)
 * @param lastState the allocator's statistics at that instant ({@code numOoms} is 1 after an OOM),
 *     what a reporter's OOM hook would post last
 */
public record RunEnd(Instant at, boolean outOfMemory, AllocatorState lastState) {}
