package dev.headroom.agent.reporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.agent.sampler.CollectingSink;
import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.StepMark;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint over a real loopback socket, posting as a reporter would. */
class ReporterEndpointTest {
  private final CollectingSink sink = new CollectingSink();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ReporterEndpoint endpoint;

  @BeforeEach
  void start() {
    endpoint = ReporterEndpoint.start(0, Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC), sink);
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void acceptedPostsReachTheSinkInOrder() throws Exception {
    assertThat(post("/v1/allocator", "{\"pid\":1,\"device\":0,\"allocated_bytes\":5,\"reserved_bytes\":8}").statusCode())
        .isEqualTo(202);
    HttpResponse<String> step = post("/v1/step", "{\"pid\":1,\"step\":10}");
    assertThat(step.statusCode()).isEqualTo(202);
    assertThat(step.body()).contains("\"accepted\":true");

    assertThat(sink.all(Observation.class)).hasSize(2);
    assertThat(sink.all(AllocatorSample.class).get(0).reservedBytes()).isEqualTo(8);
    assertThat(sink.all(StepMark.class).get(0).step()).isEqualTo(10);
    assertThat(endpoint.accepted()).isEqualTo(2);
  }

  @Test
  void aMalformedPostGets400WithTheReasonAndNothingReachesTheSink() throws Exception {
    HttpResponse<String> r = post("/v1/allocator", "{\"pid\":1,\"device\":0,\"allocated_bytes\":\"lots\",\"reserved_bytes\":8}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(r.body())
        .isEqualTo("{\"error\":\"/v1/allocator: field 'allocated_bytes' must be a non-negative integer, got \\\"lots\\\"\"}\n");
    assertThat(sink.all(Observation.class)).isEmpty();
    assertThat(endpoint.rejected()).isEqualTo(1);
  }

  @Test
  void garbageBytesGet400AndTheNextPostStillWorks() throws Exception {
    assertThat(post("/v1/step", "\u0000\u0001garbage").statusCode()).isEqualTo(400);
    assertThat(post("/v1/step", "{\"pid\":1,\"step\":2}").statusCode()).isEqualTo(202);
    assertThat(sink.all(StepMark.class)).hasSize(1);
  }

  @Test
  void unknownPathsWrongMethodsAndHugeBodiesAreRefused() throws Exception {
    HttpResponse<String> notFound = post("/v1/nope", "{}");
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(notFound.body()).contains("use POST /v1/allocator, /v1/step or /v1/run-spec");

    HttpResponse<String> get = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/v1/step")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST");

    String huge = "{\"run_id\":\"r\",\"spec\":{\"x\":\"" + "a".repeat(ReporterEndpoint.MAX_BODY_BYTES) + "\"}}";
    assertThat(post("/v1/run-spec", huge).statusCode()).isEqualTo(413);
    assertThat(sink.all(Observation.class)).isEmpty();
  }

  @Test
  void healthAnswersGet() throws Exception {
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/v1/health")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"status\":\"ok\"");
  }
}
