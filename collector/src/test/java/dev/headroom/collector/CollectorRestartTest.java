package dev.headroom.collector;

import static dev.headroom.collector.testing.Observations.GIB;
import static dev.headroom.collector.testing.Observations.T0;
import static dev.headroom.collector.testing.Observations.agent;
import static dev.headroom.collector.testing.Observations.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.alert.Alert;
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
