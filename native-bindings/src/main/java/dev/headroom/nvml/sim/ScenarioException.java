package dev.headroom.nvml.sim;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A scenario file could not be read or is wrong. The message names the file, the line and column
 * when the parser knows them, the field (as a path such as {@code
 * hosts[0].devices[1].processes[0].memory[2].period}) and what is wrong with it.
 */
public final class ScenarioException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final OptionalInt line;
  private final Optional<String> field;
  private final String problem;

  public ScenarioException(String source, OptionalInt line, OptionalInt column, Optional<String> field, String problem) {
    super(format(source, line, column, field, problem));
    this.source = source;
    this.line = line;
    this.field = field;
    this.problem = problem;
  }

  private static String format(
      String source, OptionalInt line, OptionalInt column, Optional<String> field, String problem) {
    StringBuilder sb = new StringBuilder(source);
    line.ifPresent(l -> sb.append(':').append(l));
    if (line.isPresent()) {
      column.ifPresent(c -> sb.append(':').append(c));
    }
    sb.append(": ");
    field.ifPresent(f -> sb.append("field '").append(f).append("': "));
    sb.append(problem);
    return sb.toString();
  }

  /** The file (or other source) that was read. */
  public String source() {
    return source;
  }

  /** 1-based line of the offending value, when known. */
  public OptionalInt line() {
    return line;
  }

  /** Path of the offending field, when known. */
  public Optional<String> field() {
    return field;
  }

  /** What is wrong, without the location. */
  public String problem() {
    return problem;
  }
}
