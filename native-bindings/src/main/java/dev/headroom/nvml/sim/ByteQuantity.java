package dev.headroom.nvml.sim;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of bytes as written in a scenario: a plain number of bytes, or a number with a unit —
 * binary {@code KiB MiB GiB TiB} (powers of 1024) or decimal {@code KB MB GB TB} (powers of 1000),
 * e.g. {@code 20 MiB}, {@code 1.5GiB}, {@code 3 GB}. Rates use the same syntax in fields whose
 * names end in {@code PerSecond} or {@code PerMinute}.
 *
 * @param bytes the amount, never negative
 */
public record ByteQuantity(long bytes) {

  private static final Pattern TEXT =
      Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z]*)\\s*");

  public ByteQuantity {
    if (bytes < 0) {
      throw new IllegalArgumentException("a byte amount cannot be negative, got " + bytes);
    }
  }

  public static ByteQuantity ofBytes(long bytes) {
    return new ByteQuantity(bytes);
  }

  public static ByteQuantity ofMiB(double mib) {
    return new ByteQuantity(Math.round(mib * 1024 * 1024));
  }

  public static ByteQuantity ofGiB(double gib) {
    return new ByteQuantity(Math.round(gib * 1024 * 1024 * 1024));
  }

  /** Jackson entry point: a number (bytes) or a text with a unit. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static ByteQuantity fromJson(Object value) {
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("a byte amount must be a non-negative number, got " + value);
      }
      return new ByteQuantity(Math.round(d));
    }
    if (value instanceof String s) {
      return parse(s);
    }
    throw new IllegalArgumentException(
        "expected a byte amount such as 20 MiB or 1.5GiB, got " + describe(value));
  }

  /** Parses {@code 20 MiB}, {@code 1.5GiB}, {@code 512} (bytes). */
  public static ByteQuantity parse(String text) {
    Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected a byte amount such as 20 MiB or 1.5GiB, got '" + text + "'");
    }
    double number = Double.parseDouble(m.group(1));
    long unit = unitBytes(m.group(2), text);
    return new ByteQuantity(Math.round(number * unit));
  }

  private static long unitBytes(String unit, String text) {
    return switch (unit.toLowerCase(Locale.ROOT)) {
      case "", "b" -> 1L;
      case "kib" -> 1L << 10;
      case "mib" -> 1L << 20;
      case "gib" -> 1L << 30;
      case "tib" -> 1L << 40;
      case "kb" -> 1_000L;
      case "mb" -> 1_000_000L;
      case "gb" -> 1_000_000_000L;
      case "tb" -> 1_000_000_000_000L;
      default ->
          throw new IllegalArgumentException(
              "unknown byte unit '"
                  + unit
                  + "' in '"
                  + text
                  + "' (use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)");
    };
  }

  static String describe(Object value) {
    return value == null ? "nothing" : value.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + value;
  }
}
