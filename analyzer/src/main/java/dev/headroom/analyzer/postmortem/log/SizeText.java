package dev.headroom.analyzer.postmortem.log;

import dev.headroom.analyzer.postmortem.ByteCount;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as logs print them: "12.50 MiB", "0 bytes", "1,024.00 KiB", "87.48GiB (93935126000B)",
 * "1.25TiB (rounded to 1374521760000)", TensorFlow's "1.00G". Every unit label is read as a power of
 * 1024 because every emitter we parse computes it that way, including those that print "MB"/"GB".
 * When the text also gives the exact byte count in parentheses, that count wins over the rounded
 * display.
 */
final class SizeText {

  /**
   * A size with named groups {@code n} (number), {@code u} (unit) and {@code x} (exact count);
   * embed it in a larger pattern and read it with {@link #read(Matcher)}. A pattern may contain it
   * only once, because group names must be unique.
   */
  static final String SIZE =
      "(?<n>-?\\d[\\d,]*(?:\\.\\d+)?)\\s?"
          + "(?<u>TiB|GiB|MiB|KiB|TB|GB|MB|KB|kB|bytes|byte|B|T|G|M|K)(?![A-Za-z])"
          + "(?:\\s*\\((?:rounded to\\s*)?(?<x>\\d[\\d,]*)\\s*(?:bytes|B)?\\))?";

  private SizeText() {}

  /** The size matched by a pattern built around {@link #SIZE}. */
  static ByteCount read(Matcher m) {
    String exact = m.group("x");
    if (exact != null) {
      return new ByteCount(new BigDecimal(exact.replace(",", "")));
    }
    BigDecimal number = new BigDecimal(m.group("n").replace(",", ""));
    return new ByteCount(number.multiply(BigDecimal.valueOf(2).pow(10 * powerOf(m.group("u")))));
  }

  /** Parses a whole string such as "3.44 GiB"; empty when it is not a size. */
  static Optional<ByteCount> parse(String text) {
    Matcher m = WHOLE.matcher(text.trim());
    return m.matches() ? Optional.of(read(m)) : Optional.empty();
  }

  private static final Pattern WHOLE = Pattern.compile(SIZE);

  /** A pattern {@code prefix SIZE suffix} (regex fragments), for {@link #find}. */
  static Pattern around(String prefix, String suffix) {
    return Pattern.compile(prefix + SIZE + suffix);
  }

  /** The size of the first match of a pattern made by {@link #around}. */
  static Optional<ByteCount> find(Pattern pattern, CharSequence text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? Optional.of(read(m)) : Optional.empty();
  }

  private static int powerOf(String unit) {
    return switch (unit) {
      case "bytes", "byte", "B" -> 0;
      case "KiB", "KB", "kB", "K" -> 1;
      case "MiB", "MB", "M" -> 2;
      case "GiB", "GB", "G" -> 3;
      case "TiB", "TB", "T" -> 4;
      default -> throw new IllegalStateException("unit not in SIZE: " + unit);
    };
  }

  /** A plain byte count such as "7406166528" or "1,073,741,824". */
  static ByteCount plainBytes(String digits) {
    return new ByteCount(new BigDecimal(digits.replace(",", "")));
  }
}
