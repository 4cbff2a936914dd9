package dev.headroom.collector;

import static dev.headroom.collector.testing.Observations.GIB;
import static dev.headroom.collector.testing.Observations.T0;
import static dev.headroom.collector.testing.Observations.agent;
import static dev.headroom.collector.testing.Observations.report;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.collector.runs.PredictedPeaks;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assembled collector: an observation that crosses the danger line reaches a real webhook and the API. */
class CollectorWiringTest {
  @TempDir Path dataDir;

  @Test
  void aDangerousGpuReachesTheWebhookTheAlertApiAndMetrics() throws Exception {
    LinkedBlockingQueue<String> posts = new LinkedBlockingQueue<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/hook", exchange -> {
      posts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    hook.start();
    CollectorConfig config = CollectorConfig.defaults(dataDir)
        .withListen(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0))
        .withSinks(List.of(URI.create("http://127.0.0.1:" + hook.getAddress().getPort() + "/hook")), Optional.empty());
    try (Collector collector = Collector.start(config, spec -> PredictedPeaks.of(60 * GIB, 50 * GIB, 55 * GIB, "fits"),
        Clock.systemUTC())) {
      AgentIdentity node = agent("node-w");
      collector.registry().onObservation(node, 1, new RunSpecDeclared(T0, "wired", 0, "{}"));
      collector.registry().onObservation(node, 2, report("node-w", "GPU-w", 0, T0.plusSeconds(5), 75 * GIB, 11));
      collector.registry().onObservation(node, 3, report("node-w", "GPU-w", 0, T0.plusSeconds(10), 76 * GIB, 11));

      // The prediction is also exceeded, so a deviation alert may be delivered first.
      String danger = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (danger == null && System.nanoTime() < deadline) {
        String post = posts.poll(1, TimeUnit.SECONDS);
        if (post != null && post.contains("\"kind\":\"danger\"")) {
          danger = post;
        }
      }
      assertThat(danger).as("the danger alert delivered to the webhook").isNotNull().contains("\"runId\":\"wired\"");

      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + collector.httpAddress().getPort();
      JsonNode alerts = new ObjectMapper().readTree(client.send(HttpRequest.newBuilder(URI.create(base + "/api/alerts"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body());
      assertThat(alerts).anySatisfy(a -> {
        assertThat(a.get("kind").asText()).isEqualTo("danger");
        assertThat(a.get("runId").asText()).isEqualTo("wired");
      });
      String metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("headroom_collector_alerts_active{kind=\"danger\",severity=\"critical\"} 1");
      assertThat(metrics).contains("headroom_collector_run_gpu_memory_peak_bytes{gpu_uuid=\"GPU-w\",hostname=\"node-w\",run_id=\"wired\"}");
    } finally {
      hook.stop(0);
    }
  }
}
