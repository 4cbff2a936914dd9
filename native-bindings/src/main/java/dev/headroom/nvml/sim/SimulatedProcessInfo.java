package dev.headroom.nvml.sim;

import java.time.Instant;
import java.util.Optional;

/**
 * What the scenario says about a simulated process, so attribution can show a name and a user for
 * PIDs that do not exist on this machine.
 *
 * @param pid the PID the simulated driver reports
 * @param deviceUuid the GPU it runs on
 * @param startedAt when it starts in simulated time
 * @param containerId container or pod id, when the scenario gives one
 */
public record SimulatedProcessInfo(
    long pid,
    String name,
    String user,
    String commandLine,
    Optional<String> containerId,
    String deviceUuid,
    Instant startedAt) {}
