package dev.headroom.nvml;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Hands out the same immutable Optional while a reading repeats. Link generation and width,
 * temperature, power and the replay counter rarely change between two samples, so an unchanged
 * value costs no allocation; a changed one costs what it would anyway. One per reading per
 * device, used under that device's lock.
 */
final class RepeatedReading {
  private OptionalLong lastLong = OptionalLong.empty();
  private OptionalInt lastInt = OptionalInt.empty();

  OptionalLong ofLong(long value) {
    if (lastLong.isEmpty() || lastLong.getAsLong() != value) {
      lastLong = OptionalLong.of(value);
    }
    return lastLong;
  }

  OptionalInt ofInt(int value) {
    if (lastInt.isEmpty() || lastInt.getAsInt() != value) {
      lastInt = OptionalInt.of(value);
    }
    return lastInt;
  }
}
