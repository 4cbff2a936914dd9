package dev.headroom.agent.attribution;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the operating system says about a live process.
 *
 * @param commandLine arguments joined by spaces; empty for kernel threads or when unreadable
 * @param user owner's name; empty when the uid has no name here (another user namespace)
 * @param startedAt when the process started; with the PID it identifies the process, since PIDs
 *     are reused
 * @param residentBytes host memory (RSS), when readable
 */
public record ProcessFacts(
    String name, Optional<String> commandLine, Optional<String> user, Optional<Instant> startedAt, OptionalLong residentBytes) {
  public ProcessFacts {
    Objects.requireNonNull(name, "name");
  }
}
