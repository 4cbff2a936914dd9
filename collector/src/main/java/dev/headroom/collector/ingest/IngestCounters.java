package dev.headroom.collector.ingest;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the ingest server counted since it started; read by the collector's /metrics. Thread-safe.
 * Every refused connection increments exactly one of the {@code refused*} counters.
 */
public final class IngestCounters {
  final LongAdder connectionsAccepted = new LongAdder();
  final LongAdder refusedTooManyConnections = new LongAdder();
  final LongAdder refusedBadToken = new LongAdder();
  final LongAdder refusedBadVersion = new LongAdder();
  final LongAdder refusedMalformed = new LongAdder();
  final LongAdder refusedOversized = new LongAdder();
  final LongAdder framesAccepted = new LongAdder();
  final LongAdder duplicatesDropped = new LongAdder();
  final LongAdder invalidObservationsDropped = new LongAdder();
  final LongAdder sequenceGaps = new LongAdder();
  final LongAdder rateLimitPauses = new LongAdder();

  public long connectionsAccepted() {
    return connectionsAccepted.sum();
  }

  public long refusedTooManyConnections() {
    return refusedTooManyConnections.sum();
  }

  public long refusedBadToken() {
    return refusedBadToken.sum();
  }

  public long refusedBadVersion() {
    return refusedBadVersion.sum();
  }

  /** Garbage bytes, a frame that is not a headroom frame, or a frame out of place. */
  public long refusedMalformed() {
    return refusedMalformed.sum();
  }

  public long refusedOversized() {
    return refusedOversized.sum();
  }

  /** Observations handed to the listener. */
  public long framesAccepted() {
    return framesAccepted.sum();
  }

  /** Replayed frames the listener had already seen. */
  public long duplicatesDropped() {
    return duplicatesDropped.sum();
  }

  /** Well-framed observations with impossible values (acknowledged and dropped, logged). */
  public long invalidObservationsDropped() {
    return invalidObservationsDropped.sum();
  }

  /** Frames an agent never sent because its buffer overflowed while disconnected. */
  public long sequenceGaps() {
    return sequenceGaps.sum();
  }

  /** Times an agent's reads were paused because it exceeded its frame rate. */
  public long rateLimitPauses() {
    return rateLimitPauses.sum();
  }
}
