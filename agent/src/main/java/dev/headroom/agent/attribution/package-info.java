/**
 * Process attribution: what the bare host PIDs of NVML's process lists mean — name, command line,
 * user, start time, host RSS (through OSHI) and container/pod (from {@code /proc/<pid>/cgroup}) —
 * with a cache sized for the sampler's rate and a check that the agent sees the host's PID
 * namespace at all. {@link dev.headroom.agent.attribution.ProcessAttributor#forThisHost()} is the
 * entry point; {@link dev.headroom.agent.attribution.SimulatedProcessAttributor} serves simulated
 * GPUs.
 */
package dev.headroom.agent.attribution;
