package dev.headroom.agent.attribution;

/**
 * Resolves the PIDs the driver reports into processes. Implementations are thread-safe and cheap
 * enough to call for every process at the sampler's rate.
 */
@FunctionalInterface
public interface ProcessAttributor {

  ProcessAttribution attribute(long pid);

  /** Attribution on this host: OSHI behind a cache, with the PID namespace checked once. */
  static ProcessAttributor forThisHost() {
    return CachingProcessAttributor.forThisHost();
  }
}
