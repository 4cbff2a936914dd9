package dev.headroom.agent.sampler;

import dev.headroom.analyzer.model.HostMemoryReport;
import java.time.Instant;
import java.util.Optional;

/**
 * Host RAM and swap, read once per report interval. Empty when the host cannot be read; must not
 * throw, so a broken /proc never stops GPU sampling.
 */
@FunctionalInterface
public interface HostMemorySource {

  Optional<HostMemoryReport> read(String hostname, Instant at);

  /** Reads nothing: for tests and for machines where host memory is of no interest. */
  static HostMemorySource none() {
    return (hostname, at) -> Optional.empty();
  }
}
