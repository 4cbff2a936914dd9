package dev.headroom.collector.alert;

import static dev.headroom.collector.alert.Frames.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertEvent;
import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.AlertScope;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookSinkTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(200), 100);
  private final ObjectMapper mapper = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  @TempDir Path dataDir;

  private static Alert danger(String run) {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("ratio", 0.93);
    values.put("usedBytes", (double) (74L << 30));
    Condition c = new Condition(AlertKind.DANGER, Severity.CRITICAL, values, "GPU 0 peaked at 93 %", "lower the batch");
    AlertScope scope = AlertScope.gpu(run, "node-1", "GPU-0");
    return new Alert(scope.key(AlertKind.DANGER), "node-1", Optional.of("GPU-0"), c, T0, Optional.empty());
  }

  /** The receiver records a body before the sink hears the 200 back: wait for the sink's side. */
  private static void awaitDrained(WebhookSink sink) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (sink.pendingCount() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(sink.pendingCount()).isZero();
  }

  @Test
  void raisedAndResolvedEventsArrivePostedAsJsonInOrder() throws Exception {
    try (TestReceiver receiver = new TestReceiver();
        WebhookSink sink = WebhookSink.open(receiver.url(), dataDir, http, FAST, mapper)) {
      Alert alert = danger("run-1");
      sink.onAlert(new AlertEvent.Raised(alert));
      sink.onAlert(new AlertEvent.Resolved(alert.resolved(T0.plusSeconds(60))));

      JsonNode raised = mapper.readTree(receiver.next(WAIT));
      JsonNode resolved = mapper.readTree(receiver.next(WAIT));

      assertThat(raised.get("status").asText()).isEqualTo("raised");
      assertThat(raised.get("kind").asText()).isEqualTo("danger");
      assertThat(raised.get("alertname").asText()).isEqualTo("HeadroomDanger");
      assertThat(raised.get("severity").asText()).isEqualTo("critical");
      assertThat(raised.get("runId").asText()).isEqualTo("run-1");
      assertThat(raised.get("gpuUuid").asText()).isEqualTo("GPU-0");
      assertThat(raised.get("values").get("usedBytes").isIntegralNumber()).isTrue();
      assertThat(raised.get("values").get("usedBytes").asLong()).isEqualTo(74L << 30);
      assertThat(raised.get("values").get("ratio").asDouble()).isEqualTo(0.93);
      assertThat(raised.get("explanation").asText()).isEqualTo("GPU 0 peaked at 93 %");
      assertThat(raised.get("suggestedAction").asText()).isEqualTo("lower the batch");
      assertThat(raised.get("raisedAt").asText()).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(raised.get("resolvedAt").isNull()).isTrue();
      assertThat(resolved.get("status").asText()).isEqualTo("resolved");
      assertThat(resolved.get("resolvedAt").asText()).isEqualTo("2026-01-01T00:01:00Z");
      awaitDrained(sink);
      assertThat(sink.deliveredCount()).isEqualTo(2);
    }
  }

  @Test
  void aFailingReceiverIsRetriedWithBackoffUntilItAccepts() throws Exception {
    try (TestReceiver receiver = new TestReceiver()) {
      AtomicInteger calls = new AtomicInteger();
      receiver.answer(() -> calls.incrementAndGet() <= 3 ? 503 : 200);
      try (WebhookSink sink = WebhookSink.open(receiver.url(), dataDir, http, FAST, mapper)) {
        sink.onAlert(new AlertEvent.Raised(danger("run-1")));

        assertThat(receiver.next(WAIT)).contains("\"raised\"");
        awaitDrained(sink);
        assertThat(receiver.requests.get()).isEqualTo(4);
        assertThat(sink.failedAttemptCount()).isEqualTo(3);
      }
    }
  }

  @Test
  void aRefusedPayloadIsDroppedSoTheQueueMovesOn() throws Exception {
    try (TestReceiver receiver = new TestReceiver()) {
      AtomicInteger calls = new AtomicInteger();
      receiver.answer(() -> calls.incrementAndGet() == 1 ? 400 : 200);
      try (WebhookSink sink = WebhookSink.open(receiver.url(), dataDir, http, FAST, mapper)) {
        sink.onAlert(new AlertEvent.Raised(danger("run-1")));
        sink.onAlert(new AlertEvent.Raised(danger("run-2")));

        assertThat(receiver.next(WAIT)).contains("run-2");
        awaitDrained(sink);
      }
    }
  }

  @Test
  void undeliveredEventsSurviveARestartAndAreSentWhenTheReceiverIsBack() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort(); // free now, nobody listens once closed
    }
    URI down = URI.create("http://127.0.0.1:" + port + "/hook");
    try (WebhookSink sink = WebhookSink.open(down, dataDir, http, FAST, mapper)) {
      sink.onAlert(new AlertEvent.Raised(danger("run-1")));
      sink.onAlert(new AlertEvent.Raised(danger("run-2")));
      assertThat(sink.pendingCount()).isEqualTo(2);
    }
    Path queue = WebhookSink.queuePath(dataDir, down);
    assertThat(Files.readAllLines(queue)).hasSize(2).allSatisfy(l -> assertThat(mapper.readTree(l).get("kind").asText()).isEqualTo("danger"));

    // The collector comes back; so does the receiver, on the same address.
    try (TestReceiver receiver = new TestReceiver(port);
        WebhookSink sink = WebhookSink.open(down, dataDir, http, FAST, mapper)) {
      assertThat(receiver.next(WAIT)).contains("run-1");
      assertThat(receiver.next(WAIT)).contains("run-2");
      awaitDrained(sink);
    }
    assertThat(Files.readAllLines(queue)).isEmpty();
  }

  @Test
  void aTornLineInTheQueueFileIsSkippedAndTheRestSent() throws Exception {
    try (TestReceiver receiver = new TestReceiver()) {
      Path queue = WebhookSink.queuePath(dataDir, receiver.url());
      Files.createDirectories(queue.getParent());
      Files.writeString(queue, "{\"kind\":\"leak\"}\n{\"kind\":\"dang\n");
      try (WebhookSink sink = WebhookSink.open(receiver.url(), dataDir, http, FAST, mapper)) {
        assertThat(receiver.next(WAIT)).isEqualTo("{\"kind\":\"leak\"}");
        assertThat(receiver.next(Duration.ofMillis(200))).isNull();
        awaitDrained(sink);
        assertThat(sink.deliveredCount()).isEqualTo(1);
      }
    }
  }

  @Test
  void aUrlThatIsNotHttpIsRefusedByName() {
    assertThatThrownBy(() -> WebhookSink.open(URI.create("ftp://x/y"), dataDir, http, FAST, mapper))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ftp://x/y");
  }

  @Test
  void backoffDoublesUpToItsCap() {
    RetryPolicy p = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), 5);
    assertThat(p.delayBefore(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.delayBefore(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.delayBefore(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(p.delayBefore(5)).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.delayBefore(60)).isEqualTo(Duration.ofSeconds(10));
  }
}
