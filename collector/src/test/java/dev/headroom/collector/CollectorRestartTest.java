package dev.headroom.collector;

import static dev.headroom.collector.testing.Observations.GIB;
import static dev.headroom.collector.testing.Observations.T0;
import static dev.headroom.collector.testing.Observations.agent;
import static dev.headroom.collector.testing.Observations.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertEvent;
import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.collector.runs.GpuView;
import dev.headroom.collector.runs.PredictedPeaks;
import dev.headroom.collector.runs.RunPredictor;
import dev.headroom.collector.runs.RunView;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collector that dies without closing anything (its successor opens the same data folder while
 * it still holds its files, as after a SIGKILL) keeps its runs, their series and peaks, and the
 * alert history. The periodic peak flush is set far away, so what comes back comes from what was
 * persisted synchronously per frame.
 */
class CollectorRestartTest {
  private static final String RUN = "mistral-7b-full";
  private static final String GPU = "GPU-7b7b7b7b-0000-0000-0000-000000000001";
  private static final String GPU_2 = "GPU-7b7b7b7b-0000-0000-0000-000000000002";
  private static final RunPredictor PREDICTOR = spec -> PredictedPeaks.of(74 * GIB, 66 * GIB, 70 * GIB, "danger");

  @TempDir Path dataDir;

  private CollectorConfig config() {
    CollectorConfig c = CollectorConfig.defaults(dataDir)
        .withListen(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0));
    return new CollectorConfig(c.ingestListen(), c.httpListen(), c.token(), c.dataDir(), c.webhooks(),
        c.alertmanager(), c.registryPolicy(), c.detectors(), c.retention(), Duration.ofHours(1));
  }

  @Test
  void anAbandonedCollectorsSuccessorHasTheCatalogTheSeriesAndTheAlertHistory() throws Exception {
    Collector first = Collector.start(config(), PREDICTOR, Clock.systemUTC());
    Collector second = null;
    try {
      AgentIdentity node = agent("node-b");
      long seq = 0;
      first.registry().onObservation(node, ++seq, new RunSpecDeclared(T0, RUN, 0, "{\"model\":\"mistral-7b\"}"));
      for (int i = 1; i <= 20; i++) {
        long used = (60 + i) * GIB; // crosses 0.9 × 79 GiB = 71.1 GiB at i = 12
        first.registry().onObservation(node, ++seq,
            report("node-b", GPU, 0, T0.plusSeconds(5L * i), new Stats(used - GIB, used, used - GIB), 4242));
      }
      assertThat(first.catalog().recentAlerts(10)).extracting(Alert::kind).contains(AlertKind.DANGER);

      second = Collector.start(config(), PREDICTOR, Clock.systemUTC());

      RunView run = second.registry().run(RUN).orElseThrow();
      assertThat(run.specJson()).contains("{\"model\":\"mistral-7b\"}");
      assertThat(run.prediction()).map(PredictedPeaks::deviceBytes).contains(74 * GIB);
      GpuView gpu = run.gpus().get(0);
      assertThat(gpu.uuid()).isEqualTo(GPU);
      assertThat(gpu.peakUsedBytes()).isEqualTo(80 * GIB);
      assertThat(second.registry().series(RUN, GPU).orElseThrow().usedBytes()).hasSize(20);
      assertThat(second.catalog().recentAlerts(10))
          .filteredOn(a -> a.kind() == AlertKind.DANGER)
          .singleElement()
          .satisfies(a -> {
            assertThat(a.runId()).isEqualTo(RUN);
            assertThat(a.gpuUuid()).contains(GPU);
          });
    } finally {
      if (second != null) {
        second.close();
      }
      first.close();
    }
  }

  @Test
  void anAlertActiveWhenTheCollectorStoppedIsResolvedByTheEvidenceAfterTheRestart() throws Exception {
    AgentIdentity node = agent("node-e");
    try (Collector first = Collector.start(config(), PREDICTOR, Clock.systemUTC())) {
      first.registry().onObservation(node, 1, new RunSpecDeclared(T0, RUN, 0, "{\"model\":\"mistral-7b\"}"));
      first.registry().onObservation(node, 2, report("node-e", GPU, 0, T0.plusSeconds(5), 75 * GIB, 4242));
      first.registry().onObservation(node, 3, report("node-e", GPU, 0, T0.plusSeconds(10), 75 * GIB, 4242));
      assertThat(first.catalog().activeAlerts()).extracting(Alert::kind).contains(AlertKind.DANGER);
    }
    try (Collector second = Collector.start(config(), PREDICTOR, Clock.systemUTC())) {
      // The GPU is back under the threshold: the alert raised before the restart is resolved,
      // not left active in the history for ever (before: nothing in the new engine knew it).
      second.registry().onObservation(node, 4, report("node-e", GPU, 0, T0.plusSeconds(15), 40 * GIB, 4242));
      assertThat(second.catalog().activeAlerts()).extracting(Alert::kind).doesNotContain(AlertKind.DANGER);
      assertThat(second.catalog().recentAlerts(10)).filteredOn(a -> a.kind() == AlertKind.DANGER).singleElement()
          .satisfies(a -> assertThat(a.resolvedAt()).isPresent());
    }
  }

  @Test
  void anAgentOfALiveRunThatNeverComesBackAfterAShortRestartIsAlertedOnce() throws Exception {
    anAgentSilentSinceBeforeTheRestartIsAlertedOnceAndResolvedByItsFrame(Duration.ofMinutes(1)); // replayed
  }

  @Test
  void anAgentOfALiveRunThatNeverComesBackAfterALongDowntimeIsAlertedOnce() throws Exception {
    anAgentSilentSinceBeforeTheRestartIsAlertedOnceAndResolvedByItsFrame(Duration.ofMinutes(30)); // from its summary
  }

  /**
   * Two runs at the stop: one live (its agent reports every 5 s), one ended. Neither agent sends
   * after the restart: only the live run's is alerted, once its 3 intervals after start-up passed.
   */
  private void anAgentSilentSinceBeforeTheRestartIsAlertedOnceAndResolvedByItsFrame(Duration downtime)
      throws Exception {
    AgentIdentity live = agent("node-l");
    AgentIdentity ended = agent("node-s");
    Instant stop = T0.plusSeconds(60);
    try (Collector first = Collector.start(config(), PREDICTOR, Clock.fixed(stop, java.time.ZoneOffset.UTC))) {
      first.registry().onObservation(live, 1, new RunSpecDeclared(T0, "live-run", 0, "{}"));
      for (int i = 1; i <= 10; i++) {
        first.registry().onObservation(live, 1 + i, report("node-l", GPU_2, 0, T0.plusSeconds(5L * i), 20 * GIB, 77));
      }
      feedEndedRun(first, ended, "ended-run", 0);
    }
    Instant startUp = stop.plus(downtime);
    try (Collector second = Collector.start(config(), PREDICTOR, Clock.fixed(startUp, java.time.ZoneOffset.UTC))) {
      assertThat(second.registry().seriesPending("live-run")).isEqualTo(downtime.compareTo(Duration.ofMinutes(10)) > 0);
      List<AlertEvent> events = new CopyOnWriteArrayList<>();
      second.addAlertListener(events::add);

      second.alerts().tick(startUp.plusSeconds(15));
      assertThat(events).as("3 report intervals of 5 s after start-up have not passed").isEmpty();
      second.alerts().tick(startUp.plusMillis(15_001));
      second.alerts().tick(startUp.plusSeconds(60));
      assertThat(events).singleElement().satisfies(e -> {
        assertThat(e).isInstanceOf(AlertEvent.Raised.class);
        Alert alert = e.alert();
        assertThat(alert.kind()).isEqualTo(AlertKind.AGENT_SILENT);
        assertThat(alert.runId()).isEqualTo("live-run");
        assertThat(alert.hostname()).isEqualTo("node-l");
        assertThat(alert.raisedAt()).isEqualTo(startUp.plusMillis(15_001));
        assertThat(alert.explanation()).contains("since " + T0.plusSeconds(50) + ", before the collector restarted");
        assertThat(alert.values()).containsEntry("reportIntervalSeconds", 5.0)
            .containsEntry("silentSeconds", Duration.between(T0.plusSeconds(50), startUp.plusMillis(15_001)).toMillis() / 1000.0);
      });
      assertThat(second.catalog().activeAlerts()).filteredOn(a -> a.kind() == AlertKind.AGENT_SILENT)
          .extracting(Alert::runId).containsExactly("live-run");

      second.registry().onObservation(live, 12, report("node-l", GPU_2, 0, startUp.plusSeconds(70), 20 * GIB, 77));
      assertThat(events).as("only the silence is resolved: the predicted-oom alert adopted from before the restart"
          + " is judged against the restored prediction, which still holds").hasSize(2);
      assertThat(second.catalog().activeAlerts()).extracting(Alert::runId, Alert::kind)
          .contains(org.assertj.core.groups.Tuple.tuple("live-run", AlertKind.PREDICTED_OOM));
      assertThat(events.get(1)).isInstanceOf(AlertEvent.Resolved.class);
      assertThat(events.get(1).alert().raisedAt()).isEqualTo(startUp.plusMillis(15_001));
      assertThat(second.catalog().activeAlerts()).extracting(Alert::kind).doesNotContain(AlertKind.AGENT_SILENT);
    }
  }

  @Test
  void aProcessKeepsItsDeclaredRunAfterARestartEvenWhenRetentionDeletedTheDeclaration() throws Exception {
    AgentIdentity node = agent("node-d");
    try (Collector collector = Collector.start(config(), PREDICTOR, Clock.systemUTC())) {
      collector.registry().onObservation(node, 1, new RunSpecDeclared(T0, "declared-once", 555, "{}"));
      collector.registry().onObservation(node, 2, report("node-d", GPU, 0, T0.plusSeconds(5), 30 * GIB, 555));
    }
    try (var files = java.nio.file.Files.walk(dataDir.resolve("recordings"))) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(p); // as if retention had aged every segment out
      }
    }
    try (Collector collector = Collector.start(config(), PREDICTOR, Clock.systemUTC())) {
      collector.registry().onObservation(node, 3, report("node-d", GPU, 0, T0.plusSeconds(10), 31 * GIB, 555));
      assertThat(collector.registry().runs()).extracting(RunView::runId).containsExactly("declared-once");
      assertThat(collector.registry().run("declared-once").orElseThrow().gpus().get(0).peakUsedBytes())
          .isEqualTo(31 * GIB);
    }
  }

  /** A run on GPU {@link #GPU}: declared, ten reports with its process (and allocator posts), then one without. */
  private static long feedEndedRun(Collector collector, AgentIdentity node, String runId, long seq) {
    collector.registry().onObservation(node, ++seq, new RunSpecDeclared(T0, runId, 0, "{\"model\":\"mistral-7b\"}"));
    for (int i = 1; i <= 10; i++) {
      long used = (45 + 3 * i) * GIB; // 72 GiB from i = 9: above 0.9 × 79 GiB, a danger alert
      collector.registry().onObservation(node, ++seq,
          report(node.hostname(), GPU, 0, T0.plusSeconds(5L * i), new Stats(used - GIB, used, used - GIB), 4242));
      collector.registry().onObservation(node, ++seq, dev.headroom.collector.testing.Observations.allocator(
          T0.plusSeconds(5L * i + 1), 4242, 0, java.util.Optional.of(GPU), used - 4 * GIB, used - 2 * GIB));
    }
    collector.registry().onObservation(node, ++seq,
        report(node.hostname(), GPU, 0, T0.plusSeconds(55), 2 * GIB)); // its process left: ended
    return seq;
  }

  @Test
  void anEndedRunComesBackFromItsSummaryAndReadsItsRecordingOnlyWhenItsSeriesAreAsked() throws Exception {
    AgentIdentity node = agent("node-e");
    RunView before;
    dev.headroom.collector.runs.GpuSeries seriesBefore;
    java.util.List<Alert> alertsBefore;
    long lastSeq;
    try (Collector first = Collector.start(config(), PREDICTOR, Clock.systemUTC())) {
      lastSeq = feedEndedRun(first, node, RUN, 0);
      first.flush();
      before = first.registry().run(RUN).orElseThrow();
      seriesBefore = first.registry().series(RUN, GPU).orElseThrow();
      alertsBefore = first.catalog().recentAlerts(10);
    }
    assertThat(before.status()).isEqualTo(dev.headroom.collector.runs.RunStatus.ENDED);
    assertThat(alertsBefore).extracting(Alert::kind).contains(AlertKind.DANGER);

    try (Collector second = Collector.start(config(), PREDICTOR, Clock.systemUTC())) {
      assertThat(second.registry().seriesPending(RUN)).as("an ended run is not replayed at start-up").isTrue();
      // Everything the runs list and the run page show, before a single frame was read back.
      assertThat(second.registry().run(RUN)).contains(before);
      assertThat(second.registry().runs()).containsExactly(before);
      assertThat(second.catalog().recentAlerts(10)).isEqualTo(alertsBefore);

      // The run's page asks for its series over HTTP: that is when the recording is read.
      var http = java.net.http.HttpClient.newHttpClient();
      var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
          + second.httpAddress().getPort() + "/api/runs/" + RUN)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
      assertThat(json.at("/gpus/0/series/usedBytes").size()).isEqualTo(seriesBefore.usedBytes().size());
      assertThat(second.registry().seriesPending(RUN)).isFalse();
      assertThat(second.registry().series(RUN, GPU)).contains(seriesBefore);
      assertThat(seriesBefore.usedBytes()).hasSize(11);
      assertThat(seriesBefore.allocatedBytes()).hasSize(10);
      assertThat(second.registry().run(RUN)).contains(before);

      // The duplicate filter knows the recording's last frame without having replayed it.
      try (var agent = new dev.headroom.collector.testing.AckingAgent(second.ingestAddress(), node.agentId(),
          node.bootId(), node.hostname())) {
        assertThat(agent.resumeAfter()).isEqualTo(lastSeq);
      }
    }
  }

  @Test
  void aNewFrameForARunRestoredFromItsSummaryLandsAfterItsRecordedSeries() throws Exception {
    AgentIdentity node = agent("node-n");
    long seq;
    try (Collector first = Collector.start(config(), PREDICTOR, Clock.systemUTC())) {
      seq = feedEndedRun(first, node, RUN, 0);
    }
    try (Collector second = Collector.start(config(), PREDICTOR, Clock.systemUTC())) {
      assertThat(second.registry().seriesPending(RUN)).isTrue();
      // The process is back on the GPU: the run's series are read first, then the new point follows.
      second.registry().onObservation(node, ++seq, report("node-n", GPU, 0, T0.plusSeconds(60), 50 * GIB, 4242));
      assertThat(second.registry().seriesPending(RUN)).isFalse();
      var used = second.registry().series(RUN, GPU).orElseThrow().usedBytes();
      assertThat(used).hasSize(12);
      assertThat(used.get(11).at()).isEqualTo(T0.plusSeconds(60));
      assertThat(second.registry().run(RUN).orElseThrow().status()).isNotEqualTo(dev.headroom.collector.runs.RunStatus.ENDED);
    }
  }

  @Test
  void aRunWithFramesAfterItsLastSummaryIsReplayedAndALiveRunToo() throws Exception {
    AgentIdentity ended = agent("node-s");
    AgentIdentity live = agent("node-l");
    Collector first = Collector.start(config(), PREDICTOR, Clock.systemUTC());
    try {
      long seq = feedEndedRun(first, ended, "stale-summary", 0);
      first.registry().onObservation(live, 1, new RunSpecDeclared(Instant.now(), "live-run", 0, "{}"));
      first.registry().onObservation(live, 2, report("node-l", GPU_2, 0, Instant.now(), 20 * GIB, 77));
      first.flush(); // the summaries cover both runs so far ...
      // ... then one more report of each reaches the recordings but not the catalog before the collector dies.
      first.registry().onObservation(ended, ++seq, report("node-s", GPU, 0, T0.plusSeconds(60), 3 * GIB));
      first.registry().onObservation(live, 3, report("node-l", GPU_2, 0, Instant.now().plusSeconds(1), 21 * GIB, 77));

      try (Collector second = Collector.start(config(), PREDICTOR, Clock.systemUTC())) {
        assertThat(second.registry().seriesPending("stale-summary")).isFalse();
        assertThat(second.registry().series("stale-summary", GPU).orElseThrow().usedBytes()).hasSize(12);
        assertThat(second.registry().run("stale-summary").orElseThrow().gpus().get(0).lastUsedBytes())
            .isEqualTo(3 * GIB);
        assertThat(second.registry().seriesPending("live-run")).isFalse();
        assertThat(second.registry().series("live-run", GPU_2).orElseThrow().usedBytes()).hasSize(2);
        assertThat(second.registry().run("live-run").orElseThrow().gpus().get(0).lastUsedBytes()).isEqualTo(21 * GIB);
      }
    } finally {
      first.close();
    }
  }

  @Test
  void aRunSeenRecentlyIsReplayedAtStartUpEvenWhenItsSummaryIsComplete() throws Exception {
    AgentIdentity node = agent("node-r");
    try (Collector first = Collector.start(config(), PREDICTOR, Clock.systemUTC())) {
      first.registry().onObservation(node, 1, report("node-r", GPU, 0, Instant.now(), 20 * GIB, 31));
    } // a clean close: the summary covers everything, but the run was active a moment ago
    try (Collector second = Collector.start(config(), PREDICTOR, Clock.systemUTC())) {
      String runId = second.registry().runs().get(0).runId();
      assertThat(second.registry().seriesPending(runId)).isFalse();
      assertThat(second.registry().series(runId, GPU).orElseThrow().usedBytes()).hasSize(1);
    }
  }

  @Test
  void aCleanCloseFlushesPeaksToTheCatalog() throws Exception {
    try (Collector collector = Collector.start(config(), PREDICTOR, Clock.systemUTC())) {
      collector.registry().onObservation(agent("node-c"), 1, report("node-c", GPU, 0, T0, 30 * GIB, 99));
    }
    try (var catalog = dev.headroom.collector.store.CatalogStore.open(dataDir.resolve("catalog.db"))) {
      assertThat(catalog.loadRuns()).singleElement()
          .satisfies(r -> assertThat(r.gpus().get(0).peakUsedBytes()).isEqualTo(30 * GIB));
    }
  }
}
