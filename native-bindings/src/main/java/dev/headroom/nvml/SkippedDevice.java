package dev.headroom.nvml;

/**
 * A device NVML counted but this session could not open.
 *
 * @param index NVML index
 * @param reason NVML's own words, e.g. {@code Insufficient Permissions}
 */
public record SkippedDevice(int index, String reason) {}
