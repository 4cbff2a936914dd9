package dev.headroom.analyzer.model;

import java.util.Optional;

/**
 * One process's memory on one device over an interval.
 *
 * @param pid host PID as the driver reports it
 * @param name executable name, empty when the PID cannot be resolved (other PID namespace)
 * @param user owner, when known
 * @param containerId container or pod id from the process's cgroup, when it runs in one
 * @param usedBytes device memory held by the process
 * @param alive false when the PID no longer exists but the driver still charges memory to it
 */
public record ProcessReport(
    long pid,
    Optional<String> name,
    Optional<String> user,
    Optional<String> containerId,
    Stats usedBytes,
    boolean alive) {}
