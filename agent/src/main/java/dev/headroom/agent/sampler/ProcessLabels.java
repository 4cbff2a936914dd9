package dev.headroom.agent.sampler;

import java.util.Optional;

/**
 * What the agent knows about a PID beyond the driver's view: the fields of a {@link
 * dev.headroom.analyzer.model.ProcessReport} that come from the host, not from NVML.
 *
 * @param name executable name, empty when the PID cannot be resolved (other PID namespace)
 * @param user owner, when known
 * @param containerId container or pod id from the process's cgroup
 * @param alive false when the PID no longer exists but the driver still charges memory to it
 */
public record ProcessLabels(
    Optional<String> name, Optional<String> user, Optional<String> containerId, boolean alive) {

  private static final ProcessLabels UNKNOWN =
      new ProcessLabels(Optional.empty(), Optional.empty(), Optional.empty(), true);

  /**
   * Nothing known: the PID is assumed alive, because claiming dead-process memory without evidence
   * would raise a false alarm.
   */
  public static ProcessLabels unknown() {
    return UNKNOWN;
  }
}
