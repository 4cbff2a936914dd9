package dev.headroom.agent.sampler;

import dev.headroom.analyzer.model.Stats;
import java.util.Optional;

/**
 * Min, max and last of one quantity while an interval is open. Mutable on purpose: the sampler
 * adds a value per device and quantity at up to 1000 Hz, and an immutable {@link Stats} per sample
 * would be garbage for nothing. Not thread-safe; only the sampler thread touches it.
 */
final class RunningStats {
  private long min = Long.MAX_VALUE;
  private long max = Long.MIN_VALUE;
  private long last;
  private int count;

  void add(long value) {
    if (value < min) {
      min = value;
    }
    if (value > max) {
      max = value;
    }
    last = value;
    count++;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /** The interval's stats, empty when no sample carried this quantity. */
  Optional<Stats> toStats() {
    return count == 0 ? Optional.empty() : Optional.of(new Stats(min, max, last));
  }

  void reset() {
    min = Long.MAX_VALUE;
    max = Long.MIN_VALUE;
    last = 0;
    count = 0;
  }
}
