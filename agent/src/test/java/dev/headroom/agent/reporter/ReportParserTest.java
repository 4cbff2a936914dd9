package dev.headroom.agent.reporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.agent.reporter.ReportParser.Kind;
import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.StepMark;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReportParserTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private final ReportParser parser = new ReportParser(Clock.fixed(NOW, ZoneOffset.UTC));

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aFullAllocatorPostBecomesASampleStampedAtReceipt() throws Exception {
    var s = (AllocatorSample) parser.parse(Kind.ALLOCATOR, json("""
        {"pid": 4242, "device": 1, "uuid": "GPU-abc",
         "allocated_bytes": 1000, "peak_allocated_bytes": 1500,
         "reserved_bytes": 4000, "peak_reserved_bytes": 5000,
         "active_bytes": 1100, "inactive_split_bytes": 300,
         "largest_free_block_bytes": 2000, "num_alloc_retries": 3, "num_ooms": 1,
         "some_future_field": {"ignored": true}}
        """));
    assertThat(s).isEqualTo(new AllocatorSample(
        NOW, 4242, 1, Optional.of("GPU-abc"), 1000, 1500, 4000, 5000, 1100, 300,
        OptionalLong.of(2000), 3, 1));
  }

  @Test
  void optionalAllocatorFieldsDefaultToTheCurrentValues() throws Exception {
    var s = (AllocatorSample) parser.parse(Kind.ALLOCATOR,
        json("{\"pid\":1,\"device\":0,\"allocated_bytes\":10,\"reserved_bytes\":20}"));
    assertThat(s.peakAllocatedBytes()).isEqualTo(10);
    assertThat(s.peakReservedBytes()).isEqualTo(20);
    assertThat(s.activeBytes()).isEqualTo(10);
    assertThat(s.inactiveSplitBytes()).isZero();
    assertThat(s.largestFreeBlockBytes()).isEmpty();
    assertThat(s.uuid()).isEmpty();
    assertThat(s.numAllocRetries()).isZero();
  }

  @Test
  void integralDoublesAreAcceptedAsCounts() throws Exception {
    var s = (AllocatorSample) parser.parse(Kind.ALLOCATOR,
        json("{\"pid\":1,\"device\":0,\"allocated_bytes\":1.0e9,\"reserved_bytes\":2e9}"));
    assertThat(s.allocatedBytes()).isEqualTo(1_000_000_000L);
  }

  @Test
  void aStepMarkDefaultsToTheTrainPhase() throws Exception {
    assertThat(parser.parse(Kind.STEP, json("{\"pid\":7,\"step\":120}")))
        .isEqualTo(new StepMark(NOW, 7, 120, "train"));
    assertThat(parser.parse(Kind.STEP, json("{\"pid\":7,\"step\":3,\"phase\":\"eval\"}")))
        .isEqualTo(new StepMark(NOW, 7, 3, "eval"));
  }

  @Test
  void theRunSpecIsPassedThroughAsJson() throws Exception {
    var r = (RunSpecDeclared) parser.parse(Kind.RUN_SPEC, json("""
        {"run_id": "llama3-8b-qlora", "pid": 99,
         "spec": {"model": {"hidden_size": 4096, "num_hidden_layers": 32}, "training": {"micro_batch_size": 4}}}
        """));
    assertThat(r.runId()).isEqualTo("llama3-8b-qlora");
    assertThat(r.pid()).isEqualTo(99);
    assertThat(r.specJson())
        .isEqualTo("{\"model\":{\"hidden_size\":4096,\"num_hidden_layers\":32},\"training\":{\"micro_batch_size\":4}}");
  }

  @Test
  void theAgentsRunIdStandsInForAMissingOne() throws Exception {
    ReportParser withDefault = new ReportParser(Clock.fixed(NOW, ZoneOffset.UTC), Optional.of("from-cli"));
    var r = (RunSpecDeclared) withDefault.parse(Kind.RUN_SPEC, json("{\"spec\":{\"model\":\"llama-3-8b\"}}"));
    assertThat(r.runId()).isEqualTo("from-cli");
    var own = (RunSpecDeclared) withDefault.parse(Kind.RUN_SPEC, json("{\"run_id\":\"own\",\"spec\":{}}"));
    assertThat(own.runId()).isEqualTo("own");
  }

  @Test
  void aRunSpecFileIsCheckedLikeAPost() throws Exception {
    assertThat(parser.declareRun("r-1", json("{\"model\":\"mistral-7b\"}"), 0).specJson())
        .isEqualTo("{\"model\":\"mistral-7b\"}");
    assertThatThrownBy(() -> parser.declareRun("r-1", json("{\"model\": "), 0))
        .hasMessageStartingWith("body is not valid JSON at line 1")
        // Jackson's own message would echo the raw bytes: "(start marker at [Source: (byte[])..."
        .hasMessageNotContaining("Source:");
    assertThatThrownBy(() -> parser.declareRun("has space", json("{}"), 0))
        .hasMessageStartingWith("field 'run_id' must be 1-128 characters");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "not json              | ALLOCATOR | {\"pid\": 1,                                       | body is not valid JSON at line 1",
    "an array              | ALLOCATOR | [1,2]                                              | body must be a JSON object, got array",
    "empty                 | STEP      | ''                                                 | empty body",
    "missing pid           | ALLOCATOR | {\"device\":0,\"allocated_bytes\":1,\"reserved_bytes\":2} | missing field 'pid'",
    "string bytes          | ALLOCATOR | {\"pid\":1,\"device\":0,\"allocated_bytes\":\"1GB\",\"reserved_bytes\":2} | field 'allocated_bytes' must be a non-negative integer, got \"1GB\"",
    "negative              | ALLOCATOR | {\"pid\":1,\"device\":0,\"allocated_bytes\":-5,\"reserved_bytes\":2} | field 'allocated_bytes' must be between 0 and",
    "fraction              | STEP      | {\"pid\":1,\"step\":1.5}                             | field 'step' must be a non-negative integer, got 1.5",
    "allocated > reserved  | ALLOCATOR | {\"pid\":1,\"device\":0,\"allocated_bytes\":9,\"reserved_bytes\":2} | allocated_bytes 9 exceeds reserved_bytes 2",
    "huge device           | ALLOCATOR | {\"pid\":1,\"device\":99999999999,\"allocated_bytes\":1,\"reserved_bytes\":2} | field 'device' must be between 0 and 2147483647",
    "bad phase             | STEP      | {\"pid\":1,\"step\":1,\"phase\":\"Train Loop!\"}      | field 'phase' must be a short lower-case word",
    "no run id             | RUN_SPEC  | {\"spec\":{}}                                        | missing field 'run_id'",
    "run id not a string   | RUN_SPEC  | {\"run_id\":5,\"spec\":{}}                           | field 'run_id' must be a non-empty string, got 5",
    "run id with spaces    | RUN_SPEC  | {\"run_id\":\"my run\",\"spec\":{}}                  | field 'run_id' must be 1-128 characters",
    "spec not an object    | RUN_SPEC  | {\"run_id\":\"r1\",\"spec\":[1]}                     | field 'spec' must be a JSON object",
    "no spec               | RUN_SPEC  | {\"run_id\":\"r1\"}                                  | field 'spec' must be a JSON object (the predictor's run spec, docs/predictor.md), got nothing",
  })
  void malformedPostsAreRejectedWithAReasonNamingTheField(String what, Kind kind, String body, String reason) {
    assertThatThrownBy(() -> parser.parse(kind, json(body)))
        .isInstanceOf(MalformedReportException.class)
        .hasMessageStartingWith(reason);
  }

  @Test
  void pathsMapToKinds() {
    assertThat(ReportParser.kindOf("/v1/allocator")).contains(Kind.ALLOCATOR);
    assertThat(ReportParser.kindOf("/v1/step")).contains(Kind.STEP);
    assertThat(ReportParser.kindOf("/v1/run-spec")).contains(Kind.RUN_SPEC);
    assertThat(ReportParser.kindOf("/v2/step")).isEmpty();
  }
}
