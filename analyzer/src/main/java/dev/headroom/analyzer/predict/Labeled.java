package dev.headroom.analyzer.predict;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** An enum spelled in specs and on the command line by a fixed lower-case label. */
public interface Labeled {
  String label();

  /**
   * The constant whose label is {@code text} (case-insensitive, {@code _} read as {@code -}).
   *
   * @throws SpecException naming {@code where}, the field and the accepted labels
   */
  static <E extends Enum<E> & Labeled> E parse(E[] values, String text, String field, String where) {
    String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (E value : values) {
      if (value.label().equals(wanted)) {
        return value;
      }
    }
    throw new SpecException(
        where + ": " + field + " '" + text + "' is not one of " + labels(values));
  }

  static <E extends Enum<E> & Labeled> String labels(E[] values) {
    return Arrays.stream(values).map(Labeled::label).collect(Collectors.joining("|"));
  }
}
