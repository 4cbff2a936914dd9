package dev.headroom.analyzer.predict;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Pattern;

/**
 * Jackson's own wording of a JSON syntax error, without the parts that help nobody at the command
 * line: for a truncated object it appends "(start marker at [Source: REDACTED
 * (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])" or an echo of
 * the raw bytes, while the caller already names the file, line and column.
 */
public final class JsonSyntaxMessage {
  private static final Pattern SOURCE_ECHO =
      Pattern.compile("\\s*\\((?:start marker at )?\\[Source: .*\\]\\)", Pattern.DOTALL);

  private JsonSyntaxMessage() {}

  /** The problem in one line, e.g. "Unexpected end-of-input: expected close marker for Object". */
  public static String of(JsonProcessingException e) {
    String original = e.getOriginalMessage() == null ? "not valid JSON" : e.getOriginalMessage();
    String withoutEcho = SOURCE_ECHO.matcher(original).replaceAll("");
    return withoutEcho.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
