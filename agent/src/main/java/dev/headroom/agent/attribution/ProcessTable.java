package dev.headroom.agent.attribution;

import java.util.Optional;

/**
 * The host's process table. {@link OshiProcessTable} reads the real one; tests pass their own.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface ProcessTable {

  /** The process with {@code pid}, empty when no such process exists (any more). */
  Optional<ProcessFacts> find(long pid);
}
