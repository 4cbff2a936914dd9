package dev.headroom.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.analyzer.detect.DetectorConfig;
import dev.headroom.cli.Headroom;
import dev.headroom.collector.alert.PrometheusRules;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A real Prometheus (Debian package {@code prometheus}) scrapes a real agent on a simulated node
 * every second and loads the rules that {@code headroom collector --print-prometheus-rules}
 * prints: the target is up, the {@code headroom_} series are there with the simulated values,
 * every rule evaluates without error, the danger rule matches the hot GPU and only it, and every
 * metric the sample Grafana dashboard charts exists. Skipped only when Prometheus is not installed.
 */
class PrometheusScrapeE2ETest {
  private static final String HOT_GPU = "GPU-e2e5c0a1-0000-4000-8000-000000000002";
  private static final String HEALTHY_GPU = "GPU-e2e5c0a1-0000-4000-8000-000000000001";
  private static final Duration WAIT = Duration.ofSeconds(40);

  @TempDir Path dir;
  private final JsonPoller poller = new JsonPoller();

  @Test
  @Timeout(120)
  void prometheusScrapesTheAgentAndEvaluatesTheGeneratedRules() throws Exception {
    Optional<Path> binary = Peers.prometheusBinary();
    assumeTrue(binary.isPresent(), "Prometheus not installed: apt-get install -y prometheus (.ci/run installs it)");

    try (SimulatedNode node = SimulatedNode.start(SimulatedNode.scenario("scrape-node.yaml"), Optional.empty(),
        dir.resolve("buffer"));
        ExternalPeer prometheus = Peers.prometheus(binary.get(), dir, node.metricsPort(), printedRules(),
            Optional.empty())) {
      URI api = prometheus.baseUrl();

      JsonNode targets = poller.await(api.resolve("/api/v1/targets"), WAIT, "the agent target to be up",
          t -> StreamSupport.stream(t.path("data").path("activeTargets").spliterator(), false)
              .anyMatch(x -> "up".equals(x.path("health").asText())), prometheus::log);
      JsonNode target = targets.path("data").path("activeTargets").get(0);
      assertThat(target.path("labels").path("job").asText()).isEqualTo("headroom-agent");
      assertThat(target.path("scrapeUrl").asText()).isEqualTo("http://127.0.0.1:" + node.metricsPort() + "/metrics");
      assertThat(target.path("lastError").asText()).isEmpty();

      JsonNode used = poller.await(query(api, "headroom_gpu_memory_used_bytes"), WAIT, "both GPUs' used memory",
          q -> q.path("data").path("result").size() == 2, prometheus::log);
      double hotUsedGiB = valueFor(used, HOT_GPU) / (1L << 30);
      assertThat(hotUsedGiB).as("the hot GPU's simulated 75 GiB").isBetween(74.9, 75.1);
      assertThat(valueFor(used, HEALTHY_GPU) / (1L << 30)).as("30 GiB plus a 0-4 GiB sawtooth").isBetween(29.9, 34.1);
      JsonNode ratio = get(query(api, "headroom_gpu_memory_used_peak_ratio"));
      assertThat(valueFor(ratio, HOT_GPU)).as("75 GiB of 78.8 GiB usable").isBetween(0.94, 0.96);

      JsonNode loaded = poller.await(api.resolve("/api/v1/rules"), WAIT, "every rule evaluated without error",
          r -> allRules(r).size() >= 8 && allRules(r).stream().allMatch(x -> "ok".equals(x.path("health").asText())),
          prometheus::log);
      Set<String> names = new TreeSet<>();
      for (JsonNode rule : allRules(loaded)) {
        names.add(rule.path("name").asText());
        assertThat(rule.path("lastError").asText()).as(rule.path("name").asText()).isEmpty();
      }
      assertThat(loaded.path("data").path("groups").get(0).path("name").asText()).isEqualTo("headroom");
      assertThat(names).contains("HeadroomDanger", "HeadroomLeak", "HeadroomFragmentation",
          "HeadroomDeadProcessMemory", "HeadroomXidError", "HeadroomGpuLost", "HeadroomAgentSilent");

      JsonNode alerts = poller.await(api.resolve("/api/v1/alerts"), WAIT, "the danger rule to match the hot GPU",
          a -> dangerAlerts(a).stream().anyMatch(x -> HOT_GPU.equals(x.path("labels").path("gpu_uuid").asText())),
          prometheus::log);
      assertThat(dangerAlerts(alerts)).as("only the hot GPU is in danger").hasSize(1);
      JsonNode danger = dangerAlerts(alerts).get(0);
      assertThat(danger.path("state").asText()).isIn("pending", "firing");
      assertThat(danger.path("labels").path("severity").asText()).isEqualTo("critical");
      assertThat(danger.path("labels").path("instance").asText()).isEqualTo("127.0.0.1:" + node.metricsPort());
      assertThat(danger.path("annotations").path("summary").asText()).contains(HOT_GPU).contains("of usable memory");

      // The sample dashboard charts only metrics a real scrape has.
      for (String metric : dashboardMetrics()) {
        JsonNode series = get(query(api, "count(" + metric + ")"));
        assertThat(series.path("data").path("result").size())
            .as("samples/deploy/grafana/headroom-dashboard.json charts %s, which Prometheus should have", metric)
            .isEqualTo(1);
      }
    }
  }

  @Test
  @Timeout(120)
  void theGeneratedDangerRuleFiresIntoARealAlertmanager() throws Exception {
    Optional<Path> prometheusBinary = Peers.prometheusBinary();
    Optional<Path> alertmanagerBinary = Peers.alertmanagerBinary();
    assumeTrue(prometheusBinary.isPresent() && alertmanagerBinary.isPresent(),
        "Prometheus or Alertmanager not installed: apt-get install -y prometheus prometheus-alertmanager"
            + " (.ci/run installs them)");
    // The same rules for a 1 s scrape interval, so "two reports in danger" is `for: 2s`, not 30 s.
    String rules = new PrometheusRules(DetectorConfig.defaults(), Duration.ofSeconds(1), "headroom-agent").yaml();
    assertThat(rules).contains("for: 2s");

    try (SimulatedNode node = SimulatedNode.start(SimulatedNode.scenario("scrape-node.yaml"), Optional.empty(),
        dir.resolve("buffer"));
        ExternalPeer alertmanager = Peers.alertmanager(alertmanagerBinary.get(), dir, Optional.empty());
        ExternalPeer prometheus = Peers.prometheus(prometheusBinary.get(), dir, node.metricsPort(), rules,
            Optional.of(alertmanager.baseUrl()))) {
      JsonNode alerts = poller.await(alertmanager.baseUrl().resolve("/api/v2/alerts"), WAIT,
          "Prometheus's HeadroomDanger for the hot GPU in Alertmanager",
          list -> StreamSupport.stream(list.spliterator(), false).anyMatch(a -> isDanger(a, HOT_GPU)),
          () -> prometheus.log() + "\n" + alertmanager.log());
      JsonNode danger = StreamSupport.stream(alerts.spliterator(), false).filter(a -> isDanger(a, HOT_GPU))
          .findFirst().orElseThrow();
      assertThat(danger.path("status").path("state").asText()).isEqualTo("active");
      assertThat(danger.path("labels").path("severity").asText()).isEqualTo("critical");
      assertThat(danger.path("labels").path("kind").asText()).isEqualTo("danger");
      assertThat(danger.path("labels").path("job").asText()).isEqualTo("headroom-agent");
      // Prometheus names itself by host name in generatorURL; the port tells which one sent it.
      assertThat(danger.path("generatorURL").asText()).contains(":" + prometheus.baseUrl().getPort() + "/graph?");
      assertThat(danger.path("annotations").path("suggested_action").asText()).isNotBlank();
      assertThat(StreamSupport.stream(alerts.spliterator(), false).noneMatch(a -> isDanger(a, HEALTHY_GPU)))
          .as("the healthy GPU is not in danger").isTrue();
    }
  }

  private static boolean isDanger(JsonNode alertmanagerAlert, String gpuUuid) {
    JsonNode labels = alertmanagerAlert.path("labels");
    return "HeadroomDanger".equals(labels.path("alertname").asText()) && gpuUuid.equals(labels.path("gpu_uuid").asText());
  }

  /** What {@code headroom collector --print-prometheus-rules} prints. */
  static String printedRules() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Headroom.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute("collector", "--print-prometheus-rules");
    assertThat(status).as(err.toString()).isZero();
    return out.toString();
  }

  /** The {@code headroom_} metric names in the sample dashboard's queries. */
  static Set<String> dashboardMetrics() throws Exception {
    String json = Files.readString(RepoFiles.find("samples/deploy/grafana/headroom-dashboard.json"));
    Matcher m = Pattern.compile("headroom_[a-z0-9_]+").matcher(json);
    Set<String> names = new TreeSet<>();
    while (m.find()) {
      names.add(m.group());
    }
    assertThat(names).as("the dashboard queries headroom_ metrics").hasSizeGreaterThan(5);
    return names;
  }

  private JsonNode get(URI url) throws Exception {
    JsonNode answer = poller.get(url);
    assertThat(answer.path("status").asText()).as(url.toString()).isEqualTo("success");
    return answer;
  }

  private static URI query(URI api, String promql) {
    return api.resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  private static double valueFor(JsonNode vector, String gpuUuid) {
    for (JsonNode r : vector.path("data").path("result")) {
      if (gpuUuid.equals(r.path("metric").path("gpu_uuid").asText())) {
        return Double.parseDouble(r.path("value").get(1).asText());
      }
    }
    throw new AssertionError("no series for " + gpuUuid + " in " + vector);
  }

  private static List<JsonNode> allRules(JsonNode rules) {
    return StreamSupport.stream(rules.path("data").path("groups").spliterator(), false)
        .flatMap(g -> StreamSupport.stream(g.path("rules").spliterator(), false))
        .toList();
  }

  private static List<JsonNode> dangerAlerts(JsonNode alerts) {
    return StreamSupport.stream(alerts.path("data").path("alerts").spliterator(), false)
        .filter(a -> "HeadroomDanger".equals(a.path("labels").path("alertname").asText()))
        .toList();
  }
}
