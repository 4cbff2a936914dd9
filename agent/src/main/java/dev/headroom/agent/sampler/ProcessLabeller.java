package dev.headroom.agent.sampler;

/**
 * Resolves a host PID to name, user, container and liveness. The sampler calls it once per
 * process per report interval (not per sample), from the sampler thread; implementations should
 * cache what does not change for a PID. Must not throw: an unresolvable PID yields {@link
 * ProcessLabels#unknown()}.
 */
@FunctionalInterface
public interface ProcessLabeller {

  ProcessLabels labels(long pid);

  /** The driver's view only: every PID unknown. Used when attribution is off or impossible. */
  static ProcessLabeller none() {
    return pid -> ProcessLabels.unknown();
  }
}
