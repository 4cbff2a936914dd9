package dev.headroom.nvml;

import java.util.List;
import java.util.OptionalLong;

/**
 * NVLink throughput, from the cumulative data counters (fields 138/139) diffed against the previous
 * snapshot. Rates are empty on the first snapshot.
 *
 * @param linkCount links reported by field 91
 * @param txBytesPerSecond payload sent over all links
 * @param rxBytesPerSecond payload received over all links
 * @param links per-link state and rates, in link order
 */
public record NvLinkStatus(
    int linkCount, OptionalLong txBytesPerSecond, OptionalLong rxBytesPerSecond, List<Link> links) {

  public NvLinkStatus {
    links = List.copyOf(links);
  }

  /** One link. */
  public record Link(int link, boolean active, OptionalLong txBytesPerSecond, OptionalLong rxBytesPerSecond) {}
}
