package dev.headroom.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpApiServerTest {
  private final SimulatedFleet fleet = new SimulatedFleet();
  private HttpApiServer server;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() {
    var metrics = new CollectorMetrics(fleet.registry, fleet.alerts, () -> 4096);
    server = HttpApiServer.start(new InetSocketAddress("127.0.0.1", 0),
        new DashboardRoutes(fleet.registry, fleet.alerts, metrics));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
        .timeout(Duration.ofSeconds(10)).GET().build();
    return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private String text(String path) throws Exception {
    return new String(get(path).body(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void bindsLoopbackAndAnswersHealth() throws Exception {
    assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(text("/healthz")).isEqualTo("ok\n");
  }

  @Test
  void apiRunsListsTheRunWithItsRatioPredictionAndComparisons() throws Exception {
    JsonNode runs = Json.MAPPER.readTree(text("/api/runs"));
    assertThat(runs).hasSize(1);
    JsonNode run = runs.get(0);
    assertThat(run.get("runId").asText()).isEqualTo(SimulatedFleet.RUN);
    assertThat(run.get("hosts")).extracting(JsonNode::asText).containsExactly(run.get("hostname").asText());
    assertThat(run.get("level").asText()).isEqualTo("danger");
    assertThat(run.get("prediction").get("deviceBytes").asLong()).isEqualTo(74L << 30);
    JsonNode gpu = run.get("gpus").get(0);
    assertThat(gpu.get("uuid").asText()).isEqualTo(SimulatedFleet.GPU);
    assertThat(gpu.get("vsPrediction")).extracting(n -> n.get("metric").asText())
        .containsExactly("device", "allocated", "reserved");
    assertThat(gpu.has("series")).isFalse();
  }

  @Test
  void apiRunByIdCarriesTheSeriesAndUnknownRunsAre404() throws Exception {
    JsonNode run = Json.MAPPER.readTree(text("/api/runs/" + Paths.segment(SimulatedFleet.RUN)));
    assertThat(run.get("gpus").get(0).get("series").get("usedBytes")).hasSize(120);
    assertThat(run.get("gpus").get(0).get("series").get("allocatedBytes")).hasSize(120);
    var missing = get("/api/runs/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new String(missing.body())).contains("run nope");
  }

  @Test
  void apiAlertsShowsExplanationAndNextStep() throws Exception {
    JsonNode alerts = Json.MAPPER.readTree(text("/api/alerts"));
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).get("kind").asText()).isEqualTo("danger");
    assertThat(alerts.get(0).get("severity").asText()).isEqualTo("critical");
    assertThat(alerts.get(0).get("suggestedAction").asText()).contains("micro-batch");
    // Bytes as integers, as the webhook sends them, not 8.1604378624E10.
    assertThat(alerts.get(0).get("values").get("usedBytes").isIntegralNumber()).isTrue();
    assertThat(alerts.get(0).get("values").get("ratio").isFloatingPointNumber()).isTrue();
    assertThat(Json.MAPPER.readTree(text("/api/alerts?run=other"))).isEmpty();
  }

  @Test
  void chartsComeAsPngAndSvg() throws Exception {
    String base = "/charts/" + Paths.segment(SimulatedFleet.RUN) + "/" + Paths.segment(SimulatedFleet.GPU);
    var png = get(base + ".png?width=640&height=320");
    assertThat(png.headers().firstValue("content-type")).contains("image/png");
    var image = ImageIO.read(new ByteArrayInputStream(png.body()));
    assertThat(image.getWidth()).isEqualTo(640);
    var svg = get(base + ".svg");
    assertThat(svg.headers().firstValue("content-type")).contains("image/svg+xml");
    assertThat(new String(svg.body())).contains("data-series=\"used\"", "data-marker=\"predicted\"");
    assertThat(get(base + ".gif").statusCode()).isEqualTo(404);
    assertThat(get(base + ".png?width=abc").statusCode()).isEqualTo(400);
    assertThat(get(base + ".png?width=5").statusCode()).isEqualTo(400);
  }

  @Test
  void dashboardPagesLinkTheRunAndEmbedItsCharts() throws Exception {
    String fleetPage = text("/");
    assertThat(fleetPage).contains("href=\"/runs/" + SimulatedFleet.RUN + "\"", "GPU-idle", "id=\"alerts\"");
    String runPage = text("/runs/" + SimulatedFleet.RUN);
    assertThat(runPage)
        .contains("<img class=\"chart\"", ".png\"", ".svg\"", "GPU 0 at 93 % of usable memory", "prediction: <b>74.0 GiB</b>");
  }

  @Test
  void metricsExposeRunGpuMemoryInBaseUnits() throws Exception {
    var response = get("/metrics");
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    String body = new String(response.body());
    assertThat(body).contains("headroom_collector_runs{status=\"active\"} 1");
    assertThat(body).contains("headroom_collector_run_predicted_peak_bytes{run_id=\"mistral-7b-full\"} 7.9456894976E10");
    assertThat(body).contains("headroom_collector_alerts_active{kind=\"danger\",severity=\"critical\"} 1");
    assertThat(body).contains("headroom_collector_observations_total 242");
  }

  @Test
  void promtoolAcceptsTheMetricsExposition() throws Exception {
    java.nio.file.Path promtool = java.nio.file.Path.of("/usr/bin/promtool");
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(promtool),
        "promtool not installed (Debian package prometheus); CI installs it");
    byte[] body = get("/metrics").body();
    Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
    try (var in = check.getOutputStream()) {
      in.write(body);
    }
    String report = new String(check.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(check.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as(report).isZero();
  }

  @Test
  void anythingButGetIsRefused() throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + "/api/runs"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build();
    assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
  }
}
