package dev.headroom.nvml;

/**
 * Busy percentages over the driver's last sample period (1/6 s to 1 s by product).
 *
 * @param gpuPercent time a kernel was running
 * @param memoryPercent time device memory was read or written
 */
public record Utilization(int gpuPercent, int memoryPercent) {}
