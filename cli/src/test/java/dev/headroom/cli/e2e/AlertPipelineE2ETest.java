package dev.headroom.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.collector.Collector;
import dev.headroom.collector.CollectorConfig;
import dev.headroom.collector.runs.AnalyzerRunPredictor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on one short simulated run ({@code alert-node.yaml}, one simulated hour per
 * wall minute): a real agent streams to a real collector, which sends its alerts to a real
 * Alertmanager (Debian package {@code prometheus-alertmanager}); Alertmanager must show the danger
 * and leak alerts active, then notify them resolved when the runs end. Then a real headless
 * Chromium loads the collector's dashboard of that run: charts decoded, alert list present, a
 * screenshot kept in the module's build folder ({@code e2e/}). Each test is skipped, saying why,
 * only when its binary is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertPipelineE2ETest {
  private static final String DANGER_GPU = "GPU-e2ea1e27-0000-4000-8000-000000000001";
  private static final String LEAK_GPU = "GPU-e2ea1e27-0000-4000-8000-000000000002";
  /** The scenario raises both alerts by about simulated minute 10 (10 s) and ends both runs by 24. */
  private static final Duration RAISE_WAIT = Duration.ofSeconds(45);
  private static final Duration RESOLVE_WAIT = Duration.ofSeconds(50);

  private Path dir;
  private final JsonPoller poller = new JsonPoller();
  private Optional<Path> alertmanagerBinary;
  private NotificationReceiver receiver;
  private ExternalPeer alertmanager;
  private Collector collector;
  private SimulatedNode node;

  @BeforeAll
  void startThePipeline(@TempDir Path workDir) throws Exception {
    dir = workDir;
    alertmanagerBinary = Peers.alertmanagerBinary();
    assumeTrue(alertmanagerBinary.isPresent() || HeadlessChromium.binary().isPresent(),
        "neither Alertmanager nor Chromium installed: apt-get install -y prometheus-alertmanager chromium"
            + " (.ci/run installs them)");
    Optional<URI> alertmanagerUrl = Optional.empty();
    if (alertmanagerBinary.isPresent()) {
      receiver = new NotificationReceiver();
      // 1 s notification groups, so that raising and resolving are notified within the test's time.
      alertmanager = Peers.alertmanager(alertmanagerBinary.get(), dir, Optional.of(receiver.url()));
      alertmanagerUrl = Optional.of(alertmanager.baseUrl());
    }
    InetSocketAddress anyLoopbackPort = new InetSocketAddress("127.0.0.1", 0);
    CollectorConfig config = CollectorConfig.defaults(dir.resolve("collector"))
        .withListen(anyLoopbackPort, anyLoopbackPort)
        .withSinks(List.of(), alertmanagerUrl);
    collector = Collector.start(config, AnalyzerRunPredictor.standard(), Clock.systemUTC());
    node = SimulatedNode.start(SimulatedNode.scenario("alert-node.yaml"), Optional.of(collector.ingestAddress()),
        dir.resolve("agent-buffer"));
  }

  @AfterAll
  void stopThePipeline() throws Exception {
    // The agent first (it flushes to the collector), Alertmanager's receiver last.
    if (node != null) {
      node.close();
    }
    if (collector != null) {
      collector.close();
    }
    if (alertmanager != null) {
      alertmanager.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  @Order(1)
  @Timeout(120)
  void alertmanagerShowsTheDangerAndLeakAlertsThenNotifiesThemResolved() throws Exception {
    assumeTrue(alertmanagerBinary.isPresent(),
        "Alertmanager not installed: apt-get install -y prometheus-alertmanager (.ci/run installs it)");
    URI alerts = alertmanager.baseUrl().resolve("/api/v2/alerts");

    // Both must be seen active in Alertmanager's own API; they need not be active at the same poll.
    Map<String, JsonNode> seenActive = new HashMap<>();
    poller.await(alerts, RAISE_WAIT, "HeadroomDanger and HeadroomLeak to be active", list -> {
      for (JsonNode a : list) {
        String name = a.path("labels").path("alertname").asText();
        if ("active".equals(a.path("status").path("state").asText())) {
          seenActive.putIfAbsent(name + "/" + a.path("labels").path("gpu_uuid").asText(), a);
        }
      }
      return seenActive.containsKey("HeadroomDanger/" + DANGER_GPU) && seenActive.containsKey("HeadroomLeak/" + LEAK_GPU);
    }, () -> "seen active so far: " + seenActive.keySet() + "\n" + collectorAlerts() + "\n" + alertmanager.log());

    JsonNode danger = seenActive.get("HeadroomDanger/" + DANGER_GPU);
    assertThat(danger.path("labels").path("run_id").asText()).isEqualTo("e2e-danger");
    assertThat(danger.path("labels").path("severity").asText()).isEqualTo("critical");
    assertThat(danger.path("labels").path("kind").asText()).isEqualTo("danger");
    assertThat(danger.path("labels").path("hostname").asText()).isEqualTo(node.hostName());
    assertThat(danger.path("annotations").path("summary").asText()).contains("%");
    assertThat(danger.path("annotations").path("suggested_action").asText()).isNotBlank();
    assertThat(ratioIn(danger)).as("the peak ratio that raised it").isBetween(0.90, 1.0);

    JsonNode leak = seenActive.get("HeadroomLeak/" + LEAK_GPU);
    assertThat(leak.path("labels").path("run_id").asText()).isEqualTo("e2e-leak");
    assertThat(leak.path("labels").path("kind").asText()).isEqualTo("leak");
    double slopeMiBPerMinute = value(leak, "slopeBytesPerMinute") / (1 << 20);
    assertThat(slopeMiBPerMinute).as("the simulated 400 MiB/min leak").isBetween(300.0, 500.0);
    assertThat(leak.path("annotations").path("values").asText()).contains("timeToOomSeconds=");

    // Resolved: Alertmanager notifies the receiver with status "resolved" and lists neither any more.
    poller.await(alerts, RESOLVE_WAIT, "both alerts resolved", list ->
        receiver.saw("resolved", "HeadroomDanger", DANGER_GPU) && receiver.saw("resolved", "HeadroomLeak", LEAK_GPU)
            && StreamSupport.stream(list.spliterator(), false).noneMatch(a ->
                List.of(DANGER_GPU, LEAK_GPU).contains(a.path("labels").path("gpu_uuid").asText())
                    && List.of("HeadroomDanger", "HeadroomLeak").contains(a.path("labels").path("alertname").asText())),
        () -> "notifications so far: " + receiver.notified() + "\n" + collectorAlerts() + "\n" + alertmanager.log());
    assertThat(receiver.saw("firing", "HeadroomDanger", DANGER_GPU)).as("danger was notified firing first").isTrue();
    assertThat(receiver.saw("firing", "HeadroomLeak", LEAK_GPU)).as("leak was notified firing first").isTrue();
  }

  @Test
  @Order(2)
  @Timeout(180)
  void chromiumShowsTheRunsChartsAndAlertList() throws Exception {
    Optional<Path> browser = HeadlessChromium.binary();
    assumeTrue(browser.isPresent(), "Chromium not installed: apt-get install -y chromium (.ci/run installs it)");
    URI http = URI.create("http://127.0.0.1:" + collector.httpAddress().getPort());
    poller.await(http.resolve("/api/alerts?run=e2e-danger"), RAISE_WAIT, "the collector's danger alert",
        list -> StreamSupport.stream(list.spliterator(), false).anyMatch(a -> "danger".equals(a.path("kind").asText())),
        () -> "");

    HeadlessChromium chromium = new HeadlessChromium(browser.get(), dir);
    String runPage = http.resolve("/runs/e2e-danger").toString();
    String dom = chromium.dumpDom(runPage);
    assertThat(dom).contains("<img class=\"chart\"", "data-uuid=\"" + DANGER_GPU + "\"");
    assertThat(dom).as("the server-rendered chart decoded in the browser").contains("data-loaded=\"yes\"");
    assertThat(dom).contains("id=\"alerts\"", "class=\"alert severity-critical", "<b>danger</b>");

    String fleet = chromium.dumpDom(http.resolve("/").toString());
    assertThat(fleet).contains("id=\"runs\"", "e2e-danger", "e2e-leak", "id=\"gpus\"");

    Path shot = RepoFiles.buildDirectory().resolve("e2e").resolve("dashboard-run-e2e-danger.png");
    chromium.screenshot(runPage, shot);
    assertThat(shot).exists();
    assertThat(ImageIO.read(shot.toFile()).getWidth()).isEqualTo(1400);
  }

  /** The collector's own alert history, for failure messages: raised there but not in Alertmanager? */
  private String collectorAlerts() {
    try {
      return "collector's alerts: " + poller.get(URI.create("http://127.0.0.1:" + collector.httpAddress().getPort()
          + "/api/alerts"));
    } catch (Exception e) {
      return "collector's alerts unavailable: " + e;
    }
  }

  private static double ratioIn(JsonNode alertmanagerAlert) {
    return value(alertmanagerAlert, "ratio");
  }

  /** One {@code name=value} of the {@code values} annotation. */
  private static double value(JsonNode alertmanagerAlert, String name) {
    for (String pair : alertmanagerAlert.path("annotations").path("values").asText().split(" ")) {
      if (pair.startsWith(name + "=")) {
        return Double.parseDouble(pair.substring(name.length() + 1));
      }
    }
    throw new AssertionError("no " + name + " in " + alertmanagerAlert.path("annotations"));
  }
}
