package dev.headroom.agent.attribution;

import dev.headroom.nvml.sim.SimulatedNvml;
import dev.headroom.nvml.sim.SimulatedProcessInfo;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Attribution for simulated GPUs: their PIDs do not exist on this machine, so names, users and
 * command lines come from the scenario. A PID the scenario does not know is dead.
 */
public final class SimulatedProcessAttributor implements ProcessAttributor {
  private final List<SimulatedNvml> hosts;

  public SimulatedProcessAttributor(List<SimulatedNvml> hosts) {
    this.hosts = List.copyOf(hosts);
  }

  @Override
  public ProcessAttribution attribute(long pid) {
    for (SimulatedNvml host : hosts) {
      Optional<SimulatedProcessInfo> info = host.processInfo(pid);
      if (info.isPresent()) {
        SimulatedProcessInfo i = info.get();
        return new ProcessAttribution(
            pid,
            ProcessAttribution.Status.ALIVE,
            Optional.of(i.name()),
            Optional.of(i.commandLine()),
            Optional.of(i.user()),
            Optional.of(i.startedAt()),
            OptionalLong.empty(),
            i.containerId().map(id -> new ContainerRef(ContainerRef.Runtime.UNKNOWN, id, Optional.empty())));
      }
    }
    return ProcessAttribution.dead(pid);
  }
}
