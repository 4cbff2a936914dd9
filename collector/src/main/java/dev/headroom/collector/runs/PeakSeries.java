package dev.headroom.collector.runs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A bounded time series that never loses a peak. When it is full, neighbouring points are merged
 * pairwise, keeping the higher one, so a long run keeps its whole history at a coarser grain and
 * the spike that mattered is still on the chart.
 *
 * <p>Not thread-safe: the owning {@link Run} guards it.
 */
final class PeakSeries {
  private static final int INITIAL_CAPACITY = 16;

  private final int maxPoints;
  private long[] epochMillis = new long[INITIAL_CAPACITY];
  private long[] values = new long[INITIAL_CAPACITY];
  private int size;
  private long peak = Long.MIN_VALUE;

  /** @param maxPoints the most points kept (at least 4; rounded down to even) */
  PeakSeries(int maxPoints) {
    if (maxPoints < 4) {
      throw new IllegalArgumentException("maxPoints must be >= 4, was " + maxPoints);
    }
    this.maxPoints = maxPoints & ~1;
  }

  void add(Instant at, long value) {
    peak = Math.max(peak, value);
    if (size == maxPoints) {
      halve();
    } else if (size == epochMillis.length) {
      int grown = Math.min(maxPoints, epochMillis.length * 2);
      epochMillis = Arrays.copyOf(epochMillis, grown);
      values = Arrays.copyOf(values, grown);
    }
    epochMillis[size] = at.toEpochMilli();
    values[size] = value;
    size++;
  }

  private void halve() {
    int kept = 0;
    for (int i = 0; i + 1 < size; i += 2) {
      int winner = values[i + 1] >= values[i] ? i + 1 : i;
      epochMillis[kept] = epochMillis[winner];
      values[kept] = values[winner];
      kept++;
    }
    size = kept;
  }

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  /** The highest value ever added, including merged-away points; only valid when not empty. */
  long peak() {
    return peak;
  }

  long last() {
    return values[size - 1];
  }

  List<TimedBytes> points() {
    List<TimedBytes> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(new TimedBytes(Instant.ofEpochMilli(epochMillis[i]), values[i]));
    }
    return out;
  }
}
