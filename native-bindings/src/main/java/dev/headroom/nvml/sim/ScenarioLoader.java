package dev.headroom.nvml.sim;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Set;
import java.util.TreeSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Reads scenario files: YAML, or JSON when the name ends in {@code .json}. Unknown fields are
 * errors (a misspelt {@code amplitud} would otherwise silently do nothing), and every error is a
 * {@link ScenarioException} naming file, line and field.
 */
public final class ScenarioLoader {
  private static final ObjectMapper YAML = configure(new ObjectMapper(new YAMLFactory()));
  private static final ObjectMapper JSON = configure(new ObjectMapper());

  private ScenarioLoader() {}

  private static ObjectMapper configure(ObjectMapper mapper) {
    return mapper
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** Reads and checks the scenario in {@code file}. */
  public static Scenario load(Path file) throws ScenarioException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ScenarioException(
          file.toString(), OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), "no such file");
    } catch (IOException e) {
      throw new ScenarioException(
          file.toString(), OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), "cannot read: " + e.getMessage());
    }
    String fileName = file.getFileName() == null ? "scenario" : file.getFileName().toString();
    boolean json = fileName.toLowerCase(Locale.ROOT).endsWith(".json");
    return parse(text, file.toString(), json);
  }

  /**
   * Reads a scenario from text.
   *
   * @param source names the text in error messages (a file name)
   * @param json true for JSON, false for YAML
   */
  public static Scenario parse(String text, String source, boolean json) throws ScenarioException {
    Scenario scenario;
    try {
      if (!json) {
        rejectAliases(text, source);
      }
      scenario = (json ? JSON : YAML).readValue(text, Scenario.class);
    } catch (JsonMappingException e) {
      throw mapped(source, e, text, json);
    } catch (JsonProcessingException e) {
      throw new ScenarioException(
          source,
          line(e.getLocation()),
          column(e.getLocation()),
          Optional.empty(),
          json ? "not valid JSON: " + firstLine(e.getOriginalMessage()) : "not valid YAML: " + yamlProblem(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ScenarioException(source, OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), "cannot read: " + e.getMessage());
    }
    if (scenario == null) {
      throw new ScenarioException(source, OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), "the file is empty");
    }
    return scenario.name() == null ? scenario.withName(baseName(source)) : scenario;
  }

  /**
   * Jackson reads a YAML alias ({@code *name}) as the plain string "name", which would surface as
   * a baffling type error far from the cause; say what it is instead.
   */
  private static void rejectAliases(String text, String source) throws IOException, ScenarioException {
    try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(text)) {
      while (parser.nextToken() != null) {
        if (parser.isCurrentAlias()) {
          JsonLocation loc = parser.currentTokenLocation();
          throw new ScenarioException(
              source,
              line(loc),
              column(loc),
              Optional.empty(),
              "YAML aliases (*"
                  + parser.getText()
                  + ") are not supported: repeat the block, or use 'count' on a device for identical GPUs");
        }
      }
    }
  }

  private static ScenarioException mapped(String source, JsonMappingException e, String text, boolean json) {
    String problem;
    JsonLocation where = e.getLocation();
    if (e instanceof UnrecognizedPropertyException u) {
      // Jackson reports a record's unknown field once the whole object is read, at its end.
      where = fieldNamed(text, json, e.getPath()).orElse(where);
      problem =
          "unknown field '"
              + u.getPropertyName()
              + "' (known: "
              + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "))
              + ")";
    } else if (e instanceof InvalidTypeIdException t) {
      problem =
          "unknown memory part '"
              + t.getTypeId()
              + "' (known: constant, ramp, warmup, sawtooth, leak, spike; each as a one-key map, e.g."
              + " '- leak: {bytesPerMinute: 20MiB}')";
    } else if (e instanceof ValueInstantiationException v && v.getCause() != null) {
      // Jackson builds a record before it reports unknown fields, so a misspelt required field
      // first shows as "needs 'x'": name the misspelling, which is the real cause.
      problem = misspelt(v, text, json).orElse(rootMessage(v.getCause()));
      // The record is built once its object is read, so Jackson's location is past its end.
      where = valueAt(text, json, e.getPath()).orElse(where);
    } else {
      problem = firstLine(e.getOriginalMessage());
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException) {
        problem = rootMessage(cause);
      }
    }
    return new ScenarioException(source, line(where), column(where), path(e.getPath()), problem);
  }

  /**
   * Where the field at {@code refs} (names and indices from the root, the field's name last) is
   * written, found by streaming the text once. A memory part's one-key wrapper ({@code - leak:
   * {...}}) is not in Jackson's path, so one extra name in the text's path is allowed.
   */
  private static Optional<JsonLocation> fieldNamed(String text, boolean json, List<JsonMappingException.Reference> refs) {
    if (refs == null || refs.isEmpty() || refs.get(refs.size() - 1).getFieldName() == null) {
      return Optional.empty();
    }
    List<Object> wanted = pathOf(refs);
    return firstToken(text, json, (t, parser) -> t == JsonToken.FIELD_NAME
        && wanted.get(wanted.size() - 1).equals(parser.currentName())
        && samePath(pathOf(parser.getParsingContext()), wanted));
  }

  /** Where the value at {@code refs} (names and indices from the root) starts in the text. */
  private static Optional<JsonLocation> valueAt(String text, boolean json, List<JsonMappingException.Reference> refs) {
    if (refs == null || refs.isEmpty()) {
      return Optional.empty();
    }
    List<Object> wanted = pathOf(refs);
    return firstToken(text, json, (t, parser) -> {
      if (t == JsonToken.FIELD_NAME || t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        return false;
      }
      // A container's token opens its own context; the value's place is its parent's.
      JsonStreamContext at = t.isStructStart() ? parser.getParsingContext().getParent() : parser.getParsingContext();
      return pathOf(at).equals(wanted);
    });
  }

  private interface TokenTest {
    boolean matches(JsonToken token, JsonParser parser) throws IOException;
  }

  /** The location of the first token that passes {@code test}, streaming the text once. */
  private static Optional<JsonLocation> firstToken(String text, boolean json, TokenTest test) {
    try (JsonParser parser = (json ? JSON : YAML).getFactory().createParser(text)) {
      for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
        if (test.matches(t, parser)) {
          return Optional.of(parser.currentTokenLocation());
        }
      }
    } catch (IOException unreadable) {
      return Optional.empty(); // Jackson read it once already; keep its own location
    }
    return Optional.empty();
  }

  private static List<Object> pathOf(List<JsonMappingException.Reference> refs) {
    List<Object> path = new ArrayList<>();
    for (JsonMappingException.Reference r : refs) {
      path.add(r.getFieldName() != null ? r.getFieldName() : (Object) r.getIndex());
    }
    return path;
  }

  private static List<Object> pathOf(JsonStreamContext context) {
    List<Object> path = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      path.add(0, c.inArray() ? (Object) c.getCurrentIndex() : c.getCurrentName());
    }
    return path;
  }

  private static boolean samePath(List<Object> inText, List<Object> wanted) {
    if (inText.equals(wanted)) {
      return true;
    }
    if (inText.size() != wanted.size() + 1) {
      return false;
    }
    for (int skip = 0; skip < inText.size(); skip++) {
      if (inText.get(skip) instanceof String) {
        List<Object> without = new ArrayList<>(inText);
        without.remove(skip);
        if (without.equals(wanted)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Optional<String> misspelt(ValueInstantiationException e, String text, boolean json) {
    Class<?> type = e.getType() == null ? null : e.getType().getRawClass();
    if (type == null || !type.isRecord()) {
      return Optional.empty();
    }
    Set<String> known = new TreeSet<>();
    for (RecordComponent c : type.getRecordComponents()) {
      known.add(c.getName());
    }
    JsonNode node;
    try {
      node = (json ? JSON : YAML).readTree(text);
    } catch (JsonProcessingException unreadable) {
      return Optional.empty();
    }
    for (JsonMappingException.Reference r : e.getPath()) {
      node = r.getFieldName() != null ? node.path(r.getFieldName()) : node.path(r.getIndex());
    }
    if (node.size() == 1 && node.fieldNames().hasNext()) {
      JsonNode inner = node.elements().next();
      if (inner.isObject() && !known.contains(node.fieldNames().next())) {
        node = inner; // a one-key wrapper such as {leak: {...}}
      }
    }
    List<String> unknown = new ArrayList<>();
    node.fieldNames().forEachRemaining(name -> {
      if (!known.contains(name)) {
        unknown.add(name);
      }
    });
    if (unknown.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "unknown field '" + unknown.get(0) + "' (known: " + String.join(", ", known) + "); " + rootMessage(e.getCause()));
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : firstLine(root.getMessage());
  }

  private static Optional<String> path(List<JsonMappingException.Reference> refs) {
    if (refs == null || refs.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? Optional.empty() : Optional.of(sb.toString());
  }

  private static OptionalInt line(JsonLocation loc) {
    return loc == null || loc.getLineNr() <= 0 ? OptionalInt.empty() : OptionalInt.of(loc.getLineNr());
  }

  private static OptionalInt column(JsonLocation loc) {
    return loc == null || loc.getColumnNr() <= 0 ? OptionalInt.empty() : OptionalInt.of(loc.getColumnNr());
  }

  /**
   * SnakeYAML's message is a context ("while parsing a flow node"), a problem ("expected the node
   * content, but found '<stream end>'"), each followed by indented position and snippet lines.
   * The first line alone said where the parser was but not what was wrong; keep both unindented
   * lines (the position is reported separately as line and column).
   */
  static String yamlProblem(String message) {
    if (message == null) {
      return "invalid value";
    }
    String joined = message.lines()
        .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
        .map(String::strip)
        .collect(Collectors.joining("; "));
    return joined.isEmpty() ? firstLine(message.strip()) : joined;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid value";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static String baseName(String source) {
    String name = Path.of(source).getFileName() == null ? source : Path.of(source).getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
