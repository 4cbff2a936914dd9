package dev.headroom.collector.runs;

import java.util.Objects;

/**
 * Who declared a run: a process on a host ({@code pid > 0}) or an agent for everything it sees
 * ({@code pid == 0}, then {@code agentId} is set and {@code hostname} may be empty).
 */
public record RunDeclaration(String runId, String agentId, String hostname, long pid) {
  public RunDeclaration {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(hostname, "hostname");
    if (pid < 0) {
      throw new IllegalArgumentException("pid must be >= 0, was " + pid);
    }
  }
}
