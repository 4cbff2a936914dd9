package dev.headroom.nvml;

/**
 * What does not change about a device during a session. Identity is the UUID: NVML indices change
 * across reboots and need not match CUDA ordinals.
 *
 * @param uuid e.g. {@code GPU-5b1f…}
 * @param index NVML index in this session
 * @param name product name, e.g. {@code NVIDIA H100 80GB HBM3}
 * @param pciBusId e.g. {@code 00000000:17:00.0}
 * @param totalMemoryBytes framebuffer size as NVML reports it
 */
public record DeviceInfo(String uuid, int index, String name, String pciBusId, long totalMemoryBytes) {}
