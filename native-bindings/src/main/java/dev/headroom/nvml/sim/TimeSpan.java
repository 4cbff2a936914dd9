package dev.headroom.nvml.sim;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A span or an offset of simulated time as written in a scenario: a plain number of seconds, or
 * parts with units {@code ms s m h}, e.g. {@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 1h30m}.
 *
 * @param seconds the span, never negative
 */
public record TimeSpan(double seconds) {

  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|m|h)");

  public static final TimeSpan ZERO = new TimeSpan(0);

  public TimeSpan {
    if (seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException("a time span must be a non-negative number, got " + seconds);
    }
  }

  public static TimeSpan ofSeconds(double seconds) {
    return new TimeSpan(seconds);
  }

  public static TimeSpan ofMinutes(double minutes) {
    return new TimeSpan(minutes * 60);
  }

  /** Jackson entry point: a number (seconds) or a text with units. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static TimeSpan fromJson(Object value) {
    if (value instanceof Number n) {
      return new TimeSpan(n.doubleValue());
    }
    if (value instanceof String s) {
      return parse(s);
    }
    throw new IllegalArgumentException(
        "expected a time such as 90s, 2m or 1h30m, got " + ByteQuantity.describe(value));
  }

  /** Parses {@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 1h30m}, {@code 12} (seconds). */
  public static TimeSpan parse(String text) {
    String trimmed = text.strip().replace(" ", "");
    if (trimmed.matches("[0-9]+(\\.[0-9]+)?")) {
      return new TimeSpan(Double.parseDouble(trimmed));
    }
    Matcher m = PART.matcher(trimmed);
    double seconds = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      double n = Double.parseDouble(m.group(1));
      seconds +=
          switch (m.group(2)) {
            case "ms" -> n / 1000;
            case "s" -> n;
            case "m" -> n * 60;
            default -> n * 3600;
          };
      end = m.end();
    }
    if (end == 0 || end != trimmed.length()) {
      throw new IllegalArgumentException(
          "expected a time such as 90s, 250ms, 2m or 1h30m, got '" + text + "'");
    }
    return new TimeSpan(seconds);
  }

  public Duration toDuration() {
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  @Override
  public String toString() {
    return seconds + "s";
  }
}
