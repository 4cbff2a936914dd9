package dev.headroom.agent.metrics;

import java.util.function.LongSupplier;

/**
 * The agent's own counters, read at scrape time from the parts that keep them. A part that is not
 * running reads as 0.
 *
 * @param deviceReads successful device reads by the sampler
 * @param deviceReadFailures failed device reads
 * @param devicePartialReads successful device reads whose snapshot lacked a reading other than
 *     memory (a subset of {@code deviceReads})
 * @param reporterAccepted reporter posts accepted
 * @param reporterRejected reporter posts rejected as malformed
 * @param recordingDropped observations the recording could not write (full disk)
 * @param recordingDeletedSegments old segments deleted to stay within the recording's bound
 * @param shipperUnacknowledged frames handed to the shipper that the collector has not acknowledged
 * @param shipperDropped frames dropped, oldest first, from the shipper's full buffer
 */
public record AgentCounters(
    LongSupplier deviceReads,
    LongSupplier deviceReadFailures,
    LongSupplier devicePartialReads,
    LongSupplier reporterAccepted,
    LongSupplier reporterRejected,
    LongSupplier recordingDropped,
    LongSupplier recordingDeletedSegments,
    LongSupplier shipperUnacknowledged,
    LongSupplier shipperDropped) {

  private static final LongSupplier ZERO = () -> 0;

  /** All zero: for tests and parts that are not running. */
  public static AgentCounters none() {
    return new AgentCounters(ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO);
  }

  /** Only the sampler's and the reporter's counters; recording and shipping read 0. */
  public static AgentCounters of(
      LongSupplier deviceReads, LongSupplier deviceReadFailures, LongSupplier devicePartialReads,
      LongSupplier reporterAccepted, LongSupplier reporterRejected) {
    return new AgentCounters(deviceReads, deviceReadFailures, devicePartialReads, reporterAccepted, reporterRejected,
        ZERO, ZERO, ZERO, ZERO);
  }
}
