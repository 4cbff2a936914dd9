package dev.headroom.agent.attribution;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Who a GPU process is: what NVML's bare PID means on this host.
 *
 * @param pid the host PID the driver reported
 * @param status whether the process could be found
 * @param name executable name; empty unless {@link Status#ALIVE}
 * @param container container and pod from its cgroup, when it runs in one
 */
public record ProcessAttribution(
    long pid,
    Status status,
    Optional<String> name,
    Optional<String> commandLine,
    Optional<String> user,
    Optional<Instant> startedAt,
    OptionalLong hostResidentBytes,
    Optional<ContainerRef> container) {

  /** Whether the PID could be resolved. */
  public enum Status {
    /** Found in the process table. */
    ALIVE,
    /** Not in the process table, although this agent sees the host's PIDs: the process exited. */
    DEAD,
    /**
     * The agent runs in its own PID namespace (a container without {@code hostPID}), so host PIDs
     * mean nothing here; only device-level data is available.
     */
    NOT_VISIBLE
  }

  public ProcessAttribution {
    Objects.requireNonNull(status, "status");
  }

  public static ProcessAttribution alive(long pid, ProcessFacts facts, Optional<ContainerRef> container) {
    return new ProcessAttribution(
        pid, Status.ALIVE, Optional.of(facts.name()), facts.commandLine(), facts.user(), facts.startedAt(), facts.residentBytes(), container);
  }

  public static ProcessAttribution dead(long pid) {
    return new ProcessAttribution(
        pid, Status.DEAD, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), OptionalLong.empty(), Optional.empty());
  }

  public static ProcessAttribution notVisible(long pid) {
    return new ProcessAttribution(
        pid, Status.NOT_VISIBLE, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), OptionalLong.empty(), Optional.empty());
  }

  public boolean alive() {
    return status == Status.ALIVE;
  }
}
