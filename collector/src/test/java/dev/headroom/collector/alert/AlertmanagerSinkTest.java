package dev.headroom.collector.alert;

import static dev.headroom.collector.alert.Frames.AGENT;
import static dev.headroom.collector.alert.Frames.T0;
import static dev.headroom.collector.alert.Frames.report;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.analyzer.detect.DetectorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertmanagerSinkTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  /** Short, so the test sees active alerts outlive their own endsAt only because they are re-sent. */
  private static final Duration RESEND = Duration.ofMillis(200);
  private final ObjectMapper mapper = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  @TempDir Path workDir;

  /** Polls Alertmanager's own API until the alert list matches, or fails after WAIT. */
  private JsonNode awaitAlerts(URI base, Predicate<JsonNode> matches) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode alerts = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(base.resolve("/api/v2/alerts")).build(), HttpResponse.BodyHandlers.ofString());
      alerts = mapper.readTree(response.body());
      if (matches.test(alerts)) {
        return alerts;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("Alertmanager's alerts never matched; last seen: " + alerts);
  }

  private static Optional<JsonNode> headroomDanger(JsonNode alerts) {
    for (JsonNode a : alerts) {
      if ("HeadroomDanger".equals(a.path("labels").path("alertname").asText())) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  @Test
  void aDangerAlertArrivesInARealAlertmanagerAndThenResolves() throws Exception {
    Optional<Path> binary = RealAlertmanager.binary();
    Assumptions.assumeTrue(binary.isPresent(),
        "Alertmanager not installed: apt-get install -y prometheus-alertmanager (CI installs it)");
    try (RealAlertmanager am = new RealAlertmanager(binary.get(), workDir);
        AlertmanagerSink sink = AlertmanagerSink.start(am.baseUrl(), http, RESEND, Clock.systemUTC(), mapper)) {
      // Behind the wall clock: Alertmanager only takes a resolve whose endsAt is already past,
      // otherwise the earlier, later endsAt of the active alert wins its merge.
      MutableClock clock = new MutableClock(java.time.Instant.now().minusSeconds(60));
      AlertEngine engine = new AlertEngine(DetectorConfig.defaults(), clock);
      engine.addListener(sink);
      engine.onObservation("run-7", AGENT, report("GPU-0", 0, 1, 0.95));
      engine.onObservation("run-7", AGENT, report("GPU-0", 0, 2, 0.96));

      JsonNode active = awaitAlerts(am.baseUrl(), alerts -> headroomDanger(alerts).isPresent());
      JsonNode alert = headroomDanger(active).orElseThrow();
      assertThat(alert.path("status").path("state").asText()).isEqualTo("active");
      JsonNode labels = alert.path("labels");
      assertThat(labels.path("kind").asText()).isEqualTo("danger");
      assertThat(labels.path("severity").asText()).isEqualTo("critical");
      assertThat(labels.path("run_id").asText()).isEqualTo("run-7");
      assertThat(labels.path("gpu_uuid").asText()).isEqualTo("GPU-0");
      assertThat(labels.path("hostname").asText()).isEqualTo("node-1");
      assertThat(alert.path("annotations").path("summary").asText()).contains("96.0 %");
      assertThat(alert.path("annotations").path("suggested_action").asText()).isNotBlank();
      assertThat(alert.path("annotations").path("values").asText()).contains("ratio=0.96");

      // endsAt is 4 × 200 ms ahead of each post: once more than that has passed, only re-sending
      // keeps the alert active.
      long postsAfterRaise = sink.postCount();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (sink.postCount() < postsAfterRaise + 6 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(sink.postCount()).isGreaterThanOrEqualTo(postsAfterRaise + 6);
      JsonNode stillActive = awaitAlerts(am.baseUrl(), alerts -> headroomDanger(alerts).isPresent());
      assertThat(headroomDanger(stillActive).orElseThrow().path("status").path("state").asText()).isEqualTo("active");

      clock.advance(Duration.ofSeconds(1));
      engine.onObservation("run-7", AGENT, report("GPU-0", 0, 3, 0.50));

      awaitAlerts(am.baseUrl(), alerts -> headroomDanger(alerts).isEmpty());
      assertThat(sink.postCount()).isGreaterThanOrEqualTo(2);
      assertThat(sink.failedPostCount()).isZero();
    }
  }

  @Test
  void activeAlertsAreSentWithEndsAtFourResendIntervalsAheadAndResolvedOnesWithTheirResolveTime() {
    MutableClock clock = new MutableClock(T0.plusSeconds(100));
    try (AlertmanagerSink sink =
        AlertmanagerSink.start(URI.create("http://127.0.0.1:9/"), http, Duration.ofMinutes(1), clock, mapper)) {
      var alert = new dev.headroom.analyzer.alert.Alert(
          new dev.headroom.analyzer.alert.AlertKey(dev.headroom.analyzer.alert.AlertKind.AGENT_SILENT, "r", "agent-a"),
          "node-1", Optional.empty(),
          new dev.headroom.analyzer.alert.Condition(dev.headroom.analyzer.alert.AlertKind.AGENT_SILENT,
              dev.headroom.analyzer.alert.Severity.WARNING, java.util.Map.of("silentSeconds", 4.5), "quiet", "look"),
          T0, Optional.empty());

      JsonNode active = sink.toAlertmanager(alert, clock.instant().plus(Duration.ofMinutes(4)));
      assertThat(active.path("labels").path("agent_id").asText()).isEqualTo("agent-a");
      assertThat(active.path("labels").has("gpu_uuid")).isFalse();
      assertThat(active.path("startsAt").asText()).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(active.path("endsAt").asText()).isEqualTo("2026-01-01T00:05:40Z");
      assertThat(active.path("annotations").path("values").asText()).isEqualTo("silentSeconds=4.500");
    }
  }

  @Test
  void startsAtAndEndsAtFollowTheSinksClockNotTheDetectorsTimes() throws Exception {
    // Detector times an hour ahead of the sink's clock, as in the time-compressed demo: sent as
    // they are, Alertmanager would keep the resolved alert active until that future endsAt.
    java.util.concurrent.BlockingQueue<String> bodies = new java.util.concurrent.LinkedBlockingQueue<>();
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v2/alerts", exchange -> {
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    MutableClock wall = new MutableClock(T0.plusSeconds(100));
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    try (AlertmanagerSink sink = AlertmanagerSink.start(base, http, Duration.ofMinutes(1), wall, mapper)) {
      var key = new dev.headroom.analyzer.alert.AlertKey(dev.headroom.analyzer.alert.AlertKind.DANGER, "r", "GPU-0");
      var condition = new dev.headroom.analyzer.alert.Condition(dev.headroom.analyzer.alert.AlertKind.DANGER,
          dev.headroom.analyzer.alert.Severity.CRITICAL, java.util.Map.of("ratio", 0.95), "high", "lower it");
      java.time.Instant simulatedRaise = T0.plus(Duration.ofHours(1));
      var raised = new dev.headroom.analyzer.alert.Alert(key, "node-1", Optional.of("GPU-0"), condition,
          simulatedRaise, Optional.empty());
      sink.onAlert(new dev.headroom.analyzer.alert.AlertEvent.Raised(raised));
      JsonNode first = mapper.readTree(bodies.poll(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).get(0);
      assertThat(first.path("startsAt").asText()).isEqualTo(T0.plusSeconds(100).toString());
      assertThat(first.path("annotations").path("raised_at").asText()).isEqualTo(simulatedRaise.toString());

      wall.advance(Duration.ofSeconds(30));
      var resolved = new dev.headroom.analyzer.alert.Alert(key, "node-1", Optional.of("GPU-0"), condition,
          simulatedRaise, Optional.of(simulatedRaise.plus(Duration.ofMinutes(20))));
      sink.onAlert(new dev.headroom.analyzer.alert.AlertEvent.Resolved(resolved));
      JsonNode second = mapper.readTree(bodies.poll(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).get(0);
      assertThat(second.path("startsAt").asText()).isEqualTo(T0.plusSeconds(100).toString());
      assertThat(second.path("endsAt").asText()).isEqualTo(T0.plusSeconds(130).toString());
      assertThat(second.path("annotations").path("resolved_at").asText())
          .isEqualTo(simulatedRaise.plus(Duration.ofMinutes(20)).toString());
    } finally {
      server.stop(0);
    }
  }
}
