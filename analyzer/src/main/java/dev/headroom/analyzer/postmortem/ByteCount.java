package dev.headroom.analyzer.postmortem;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * A byte amount as a log stated it. Kept as an exact decimal because logs print rounded binary
 * units ("9.20 GiB" is 9878424780.8 bytes): rounding here would make two equal messages differ and
 * hide how precise the source really was. May be negative or absurd when the source was; callers
 * flag that rather than this type refusing it.
 */
public record ByteCount(BigDecimal bytes) implements Comparable<ByteCount> {

  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};
  private static final BigDecimal KIB = BigDecimal.valueOf(1024);

  public ByteCount {
    Objects.requireNonNull(bytes, "bytes");
    bytes = bytes.signum() == 0 ? BigDecimal.ZERO : bytes.stripTrailingZeros();
  }

  public static ByteCount of(long bytes) {
    return new ByteCount(BigDecimal.valueOf(bytes));
  }

  public ByteCount plus(ByteCount other) {
    return new ByteCount(bytes.add(other.bytes));
  }

  public ByteCount minus(ByteCount other) {
    return new ByteCount(bytes.subtract(other.bytes));
  }

  /** Whole bytes, rounded half-up; saturates at the long range for absurd inputs. */
  public long roundedBytes() {
    BigDecimal r = bytes.setScale(0, RoundingMode.HALF_UP);
    if (r.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return Long.MAX_VALUE;
    }
    if (r.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
      return Long.MIN_VALUE;
    }
    return r.longValueExact();
  }

  public boolean isNegative() {
    return bytes.signum() < 0;
  }

  /** A fraction of another amount, e.g. 0.25 for a quarter; 0 when {@code whole} is not positive. */
  public double fractionOf(ByteCount whole) {
    return whole.bytes.signum() <= 0 ? 0.0 : bytes.doubleValue() / whole.bytes.doubleValue();
  }

  @Override
  public int compareTo(ByteCount o) {
    return bytes.compareTo(o.bytes);
  }

  /** Human form with binary units and two decimals, like PyTorch's {@code format_size}. */
  public String human() {
    return human(bytes);
  }

  public static String human(long bytes) {
    return human(BigDecimal.valueOf(bytes));
  }

  private static String human(BigDecimal value) {
    BigDecimal magnitude = value.abs();
    if (magnitude.compareTo(KIB) < 0) {
      return value.setScale(0, RoundingMode.HALF_UP).toPlainString() + " bytes";
    }
    BigDecimal scaled = value;
    int unit = -1;
    while (unit < UNITS.length - 1 && scaled.abs().compareTo(KIB) >= 0) {
      scaled = scaled.divide(KIB);
      unit++;
    }
    return scaled.setScale(2, RoundingMode.HALF_UP).toPlainString() + " " + UNITS[unit];
  }

  @Override
  public String toString() {
    return bytes.toPlainString() + " B";
  }
}
