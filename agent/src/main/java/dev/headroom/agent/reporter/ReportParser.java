package dev.headroom.agent.reporter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.analyzer.predict.JsonSyntaxMessage;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Turns the body of one reporter post into one observation, stamped with the agent's clock at
 * receipt (the reporter posts at once, and one clock keeps the frames of a host comparable).
 * Every field is checked; the exception names the field and what was wrong. Unknown fields are
 * ignored so newer reporters can talk to older agents. Thread-safe.
 */
public final class ReportParser {
  /** What kind of post a path accepts. */
  public enum Kind {
    ALLOCATOR("/v1/allocator"),
    STEP("/v1/step"),
    RUN_SPEC("/v1/run-spec");

    private final String path;

    Kind(String path) {
      this.path = path;
    }

    public String path() {
      return path;
    }

    static Optional<Kind> ofPath(String path) {
      for (Kind k : values()) {
        if (k.path.equals(path)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}");
  private static final Pattern PHASE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  private final ObjectMapper mapper =
      JsonMapper.builder().enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();
  private final Clock clock;
  private final Optional<String> defaultRunId;

  /** A parser that requires {@code run_id} in every run-spec post. */
  public ReportParser(Clock clock) {
    this(clock, Optional.empty());
  }

  /**
   * @param defaultRunId the run id for run-spec posts that carry none (the agent's {@code --run-id})
   */
  public ReportParser(Clock clock, Optional<String> defaultRunId) {
    this.clock = clock;
    this.defaultRunId = defaultRunId;
  }

  /** The kind of post for a request path, empty for an unknown path. */
  public static Optional<Kind> kindOf(String path) {
    return Kind.ofPath(path);
  }

  public Observation parse(Kind kind, byte[] body) throws MalformedReportException {
    JsonNode root = readObject(body);
    return switch (kind) {
      case ALLOCATOR -> allocator(root);
      case STEP -> step(root);
      case RUN_SPEC -> runSpec(root);
    };
  }

  private JsonNode readObject(byte[] body) throws MalformedReportException {
    if (body.length == 0) {
      throw new MalformedReportException("empty body; expected a JSON object");
    }
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : " at line " + loc.getLineNr() + " column " + loc.getColumnNr();
      throw new MalformedReportException("body is not valid JSON" + where + ": " + JsonSyntaxMessage.of(e));
    } catch (java.io.IOException e) {
      throw new MalformedReportException("body could not be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new MalformedReportException(
          "body must be a JSON object, got " + (root == null ? "nothing" : root.getNodeType().name().toLowerCase()));
    }
    return root;
  }

  private AllocatorSample allocator(JsonNode o) throws MalformedReportException {
    long allocated = requiredCount(o, "allocated_bytes");
    long reserved = requiredCount(o, "reserved_bytes");
    if (allocated > reserved) {
      throw new MalformedReportException(
          "allocated_bytes " + allocated + " exceeds reserved_bytes " + reserved
              + "; the allocator cannot hand out more than it holds");
    }
    return new AllocatorSample(
        clock.instant(),
        requiredCount(o, "pid"),
        (int) requiredCount(o, "device", Integer.MAX_VALUE),
        optionalText(o, "uuid"),
        allocated,
        optionalCount(o, "peak_allocated_bytes").orElse(allocated),
        reserved,
        optionalCount(o, "peak_reserved_bytes").orElse(reserved),
        optionalCount(o, "active_bytes").orElse(allocated),
        optionalCount(o, "inactive_split_bytes").orElse(0),
        optionalCount(o, "largest_free_block_bytes"),
        optionalCount(o, "num_alloc_retries").orElse(0),
        optionalCount(o, "num_ooms").orElse(0));
  }

  private StepMark step(JsonNode o) throws MalformedReportException {
    String phase = optionalText(o, "phase").orElse("train");
    if (!PHASE.matcher(phase).matches()) {
      throw new MalformedReportException(
          "field 'phase' must be a short lower-case word such as train or eval, got \"" + clip(phase) + "\"");
    }
    return new StepMark(clock.instant(), requiredCount(o, "pid"), requiredCount(o, "step"), phase);
  }

  private RunSpecDeclared runSpec(JsonNode o) throws MalformedReportException {
    Optional<String> given = optionalText(o, "run_id");
    String runId = given.or(() -> defaultRunId)
        .orElseThrow(() -> new MalformedReportException("missing field 'run_id' (a non-empty string)"));
    return declared(runId, o.get("spec"), optionalCount(o, "pid").orElse(0));
  }

  /**
   * A run declared from outside a post (the agent's {@code --run-spec FILE}), checked like a post.
   *
   * @param specJson the spec file's bytes: one JSON object
   */
  public RunSpecDeclared declareRun(String runId, byte[] specJson, long pid) throws MalformedReportException {
    return declared(runId, readObject(specJson), pid);
  }

  /** Checks a run id as a post's {@code run_id} is checked. */
  public static void checkRunId(String runId) throws MalformedReportException {
    if (!RUN_ID.matcher(runId).matches()) {
      throw new MalformedReportException(
          "field 'run_id' must be 1-128 characters of letters, digits and ._:@/- starting with a letter or digit, got \""
              + clip(runId) + "\"");
    }
  }

  private RunSpecDeclared declared(String runId, JsonNode spec, long pid) throws MalformedReportException {
    checkRunId(runId);
    if (spec == null || !spec.isObject()) {
      throw new MalformedReportException(
          "field 'spec' must be a JSON object (the predictor's run spec, docs/predictor.md), got "
              + (spec == null ? "nothing" : spec.getNodeType().name().toLowerCase()));
    }
    try {
      return new RunSpecDeclared(clock.instant(), runId, pid, mapper.writeValueAsString(spec));
    } catch (JsonProcessingException e) {
      throw new MalformedReportException("field 'spec' could not be re-encoded: " + e.getOriginalMessage());
    }
  }

  private static long requiredCount(JsonNode o, String field) throws MalformedReportException {
    return requiredCount(o, field, Long.MAX_VALUE);
  }

  private static long requiredCount(JsonNode o, String field, long max) throws MalformedReportException {
    if (!o.has(field) || o.get(field).isNull()) {
      throw new MalformedReportException("missing field '" + field + "' (a non-negative integer)");
    }
    return count(o.get(field), field, max);
  }

  private static OptionalLong optionalCount(JsonNode o, String field) throws MalformedReportException {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(count(v, field, Long.MAX_VALUE));
  }

  private static long count(JsonNode v, String field, long max) throws MalformedReportException {
    long value;
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      value = v.asLong();
    } else if (v.isFloatingPointNumber() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) < 0x1p62) {
      // Integral doubles (1.0e9) are accepted: some JSON encoders write large integers that way.
      value = (long) v.asDouble();
    } else {
      throw new MalformedReportException(
          "field '" + field + "' must be a non-negative integer, got " + clip(v.toString()));
    }
    if (value < 0 || value > max) {
      throw new MalformedReportException(
          "field '" + field + "' must be between 0 and " + max + ", got " + clip(v.toString()));
    }
    return value;
  }

  private static Optional<String> optionalText(JsonNode o, String field) throws MalformedReportException {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new MalformedReportException("field '" + field + "' must be a non-empty string, got " + clip(v.toString()));
    }
    return Optional.of(v.asText());
  }

  private static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
