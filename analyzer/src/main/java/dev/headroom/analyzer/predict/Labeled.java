package dev.headroom.analyzer.predict;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** An enum spelled in specs and on the command line by a fixed lower-case label. */
public interface Labeled {
  String label();

  /**
   * Other spellings of this constant that users carry over from the tools they run (HF
   * {@code TrainingArguments}, Lightning's precision strings, DeepSpeed and FSDP option names),
   * written lower-case with {@code -}. Only a spelling that means exactly this constant's memory
   * is an alias: {@code adamw_torch_fused} is not {@code adamw}, its step has no foreach temporaries.
   */
  default List<String> aliases() {
    return List.of();
  }

  /**
   * What to write instead of {@code spelled} (lower-case, {@code -}), when it is a known spelling
   * that is deliberately not an alias because it means different memory; {@code null} otherwise.
   * Asked of any constant of the enum: the answer depends on the spelling only.
   */
  default String refusedSpellingHint(String spelled) {
    return null;
  }

  /**
   * The constant whose label or alias is {@code text} (case-insensitive, {@code _} read as {@code -}).
   *
   * @throws SpecException naming {@code where}, the field and the accepted labels
   */
  static <E extends Enum<E> & Labeled> E parse(E[] values, String text, String field, String where) {
    String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (E value : values) {
      if (value.label().equals(wanted) || value.aliases().contains(wanted)) {
        return value;
      }
    }
    String hint = values.length == 0 ? null : values[0].refusedSpellingHint(wanted);
    throw new SpecException(where + ": " + field + " '" + text + "' is not one of " + labels(values)
        + (hint == null ? "" : " (" + hint + ")"));
  }

  static <E extends Enum<E> & Labeled> String labels(E[] values) {
    return Arrays.stream(values).map(Labeled::label).collect(Collectors.joining("|"));
  }
}
