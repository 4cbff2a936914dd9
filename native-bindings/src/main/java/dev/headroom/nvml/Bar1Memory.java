package dev.headroom.nvml;

/** The BAR1 aperture through which the host maps device memory. */
public record Bar1Memory(long totalBytes, long usedBytes, long freeBytes) {}
