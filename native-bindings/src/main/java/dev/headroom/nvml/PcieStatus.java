package dev.headroom.nvml;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * PCIe link state and throughput. Rates come from the R555+ byte counters (fields 197/198), diffed
 * against the previous snapshot with wrap-around handled; on older drivers from {@code
 * nvmlDeviceGetPcieThroughput}; empty when neither is available or on the first snapshot.
 */
public record PcieStatus(
    OptionalLong txBytesPerSecond,
    OptionalLong rxBytesPerSecond,
    OptionalInt currentLinkGeneration,
    OptionalInt maxLinkGeneration,
    OptionalInt currentLinkWidth,
    OptionalInt maxLinkWidth,
    OptionalLong replayCounter) {}
