package dev.headroom.collector.store;

import static dev.headroom.collector.testing.Observations.GIB;
import static dev.headroom.collector.testing.Observations.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertKey;
import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.collector.runs.RunDeclaration;
import dev.headroom.collector.runs.RunKeySource;
import dev.headroom.collector.runs.StoredGpu;
import dev.headroom.collector.runs.StoredRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogStoreTest {
  @TempDir Path dir;

  private static StoredRun run(long peakUsed) {
    return new StoredRun("ft-llama", RunKeySource.DECLARED, "node-a", T0, T0.plusSeconds(60),
        Optional.of("{\"model\":\"llama-3-8b\"}"),
        List.of(new StoredGpu("GPU-0", "node-a", 0, "NVIDIA L4", 24 * GIB, 23 * GIB, peakUsed, 18 * GIB, -1)));
  }

  private static StoredRun summarised(long peakUsed, java.time.Instant lastSeen) {
    StoredRun plain = run(peakUsed);
    var gpu = new dev.headroom.collector.runs.GpuSummary(
        new StoredGpu("GPU-0", "node-a", 0, "NVIDIA L4", 24 * GIB, 23 * GIB, peakUsed, 18 * GIB, -1), 2 * GIB,
        0.087, java.util.OptionalLong.of(GIB), java.util.OptionalLong.empty(), 3,
        dev.headroom.analyzer.model.DeviceState.OK, Optional.of(lastSeen), true, List.of(),
        java.util.OptionalLong.of(GIB / 2));
    var summary = new dev.headroom.collector.runs.RunSummary(lastSeen, dev.headroom.collector.runs.RunStatus.ENDED,
        java.time.Duration.ofSeconds(5), java.util.OptionalLong.of(1200), List.of(gpu),
        List.of(new dev.headroom.collector.runs.RecordedThrough("agent-a", "boot-1", 977)),
        List.of(new dev.headroom.collector.runs.AgentSummary("agent-a", "node-a", lastSeen, java.time.Duration.ofSeconds(5))));
    return new StoredRun(plain.runId(), plain.source(), plain.hostname(), plain.startedAt(), lastSeen,
        plain.specJson(), plain.gpus(), Optional.of(summary));
  }

  @Test
  void aRunsSummaryComesBackWholeAndARowWithoutOneKeepsItWhilePeaksNeverGoDown() throws IOException {
    Path file = dir.resolve("catalog.db");
    StoredRun withSummary = summarised(21 * GIB, T0.plusSeconds(60));
    try (CatalogStore store = CatalogStore.open(file)) {
      store.saveRun(withSummary);
    }
    try (CatalogStore store = CatalogStore.open(file)) {
      assertThat(store.loadRuns()).containsExactly(withSummary);
      // A row written from a view (a spec change queued earlier) lands after the summary.
      store.saveRun(run(20 * GIB));
      StoredRun loaded = store.loadRuns().get(0);
      assertThat(loaded.summary()).isEqualTo(withSummary.summary());
      assertThat(loaded.gpus().get(0).peakUsedBytes()).isEqualTo(21 * GIB);
    }
  }

  @Test
  void aSummaryWrittenBeforeTheProcessPeakWasKeptReadsWithoutIt() {
    var summary = summarised(21 * GIB, T0.plusSeconds(60)).summary().orElseThrow();
    String json = RunSummaryJson.write(summary);
    assertThat(json).contains("\"peakProcessUsedBytes\":" + GIB / 2);
    assertThat(RunSummaryJson.read(json)).isEqualTo(summary);

    var older = RunSummaryJson.read(json.replace(",\"peakProcessUsedBytes\":" + GIB / 2, ""));
    assertThat(older.gpus().get(0).peakProcessUsedBytes()).isEmpty();
    assertThat(older.gpus().get(0).stored()).isEqualTo(summary.gpus().get(0).stored());
  }

  @Test
  void aSummaryKeepsItsAgentsAndOneWrittenBeforeTheyWereKeptReadsWithNone() {
    var summary = summarised(21 * GIB, T0.plusSeconds(60)).summary().orElseThrow();
    String json = RunSummaryJson.write(summary);
    assertThat(json).contains("\"agents\":[{\"agentId\":\"agent-a\",\"hostname\":\"node-a\",\"lastReportAt\":\""
        + T0.plusSeconds(60) + "\",\"reportIntervalMillis\":5000}]");
    assertThat(RunSummaryJson.read(json).agents()).isEqualTo(summary.agents());

    int agents = json.indexOf(",\"agents\"");
    var older = RunSummaryJson.read(json.substring(0, agents) + "}");
    assertThat(older.agents()).isEmpty();
    assertThat(older.recordedThrough()).isEqualTo(summary.recordedThrough());
  }

  @Test
  void aCatalogOfTheFirstSchemaOpensAndItsRunsHaveNoSummary() throws Exception {
    Path file = dir.resolve("catalog.db");
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
        var s = c.createStatement()) {
      s.execute("CREATE TABLE runs (run_id TEXT PRIMARY KEY, source TEXT NOT NULL, hostname TEXT NOT NULL,"
          + " started_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, spec_json TEXT)");
      s.execute("INSERT INTO runs VALUES ('old-run', 'DECLARED', 'node-a', '" + T0 + "', '" + T0.plusSeconds(9)
          + "', NULL)");
    }
    try (CatalogStore store = CatalogStore.open(file)) {
      assertThat(store.loadRuns()).singleElement().satisfies(r -> {
        assertThat(r.runId()).isEqualTo("old-run");
        assertThat(r.summary()).isEmpty();
      });
      store.saveRun(summarised(GIB, T0.plusSeconds(60)));
      assertThat(store.loadRuns()).filteredOn(r -> r.runId().equals("ft-llama"))
          .singleElement().satisfies(r -> assertThat(r.summary()).isPresent());
    }
  }

  @Test
  void mergesAreKeptPerDeclaredRunAndGoWithIt() throws IOException {
    try (CatalogStore store = CatalogStore.open(dir.resolve("catalog.db"))) {
      store.saveMerge("node-a:GPU-0:42", "ft-llama");
      store.saveMerge("node-a:GPU-1:42", "ft-llama");
      assertThat(store.loadMerges()).containsExactly(Map.entry("ft-llama", List.of("node-a:GPU-0:42", "node-a:GPU-1:42")));
      store.removeRun("ft-llama");
      assertThat(store.loadMerges()).isEmpty();
    }
  }

  static Alert leak(Optional<java.time.Instant> resolved) {
    return new Alert(new AlertKey(AlertKind.LEAK, "ft-llama", "GPU-0"), "node-a", Optional.of("GPU-0"),
        new Condition(AlertKind.LEAK, Severity.WARNING, Map.of("slopeBytesPerMinute", 2.097152E7),
            "baseline grows 20 MiB/min", "look for tensors kept across steps"),
        T0.plusSeconds(300), resolved);
  }

  @Test
  void runsAndGpusSurviveReopeningAndAnUpdateReplacesPeaks() throws IOException {
    Path file = dir.resolve("catalog.db");
    try (CatalogStore store = CatalogStore.open(file)) {
      store.saveRun(run(20 * GIB));
      store.saveRuns(List.of(run(21 * GIB)));
    }
    try (CatalogStore store = CatalogStore.open(file)) {
      assertThat(store.loadRuns()).containsExactly(run(21 * GIB));
      store.removeRun("ft-llama");
      assertThat(store.loadRuns()).isEmpty();
    }
  }

  @Test
  void anAlertIsOneRowFromRaiseToResolveAndComesBackWhole() throws IOException {
    Path file = dir.resolve("catalog.db");
    Alert raised = leak(Optional.empty());
    Alert resolved = leak(Optional.of(T0.plusSeconds(900)));
    try (CatalogStore store = CatalogStore.open(file)) {
      store.saveAlert(raised);
      assertThat(store.recentAlerts(10)).containsExactly(raised);
      store.saveAlert(resolved);
    }
    try (CatalogStore store = CatalogStore.open(file)) {
      assertThat(store.recentAlerts(10)).containsExactly(resolved);
      assertThat(store.recentAlerts(10).get(0).values()).containsEntry("slopeBytesPerMinute", 2.097152E7);
    }
  }

  @Test
  void declarationsOfAgentsAndProcessesComeBackAndGoWithTheirRun() throws IOException {
    try (CatalogStore store = CatalogStore.open(dir.resolve("catalog.db"))) {
      store.saveRun(run(GIB));
      store.saveDeclaration(new RunDeclaration("ft-llama", "agent-a", "node-a", 0));
      store.saveDeclaration(new RunDeclaration("ft-llama", "agent-a", "node-a", 4242));
      assertThat(store.loadDeclarations()).containsExactly(
          new RunDeclaration("ft-llama", "agent-a", "", 0),
          new RunDeclaration("ft-llama", "", "node-a", 4242));
      store.removeRun("ft-llama");
      assertThat(store.loadDeclarations()).isEmpty();
    }
  }

  @Test
  void aFileThatIsNotADatabaseIsRefusedByName() throws IOException {
    Path file = dir.resolve("catalog.db");
    Files.writeString(file, "this is not sqlite, just text that is long enough to look like a header.....");
    assertThatThrownBy(() -> CatalogStore.open(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("the catalog is damaged: move catalog.db (and any catalog.db-wal, catalog.db-shm beside"
            + " it) out of the data directory and start again: the runs come back from the recordings");
  }

  @Test
  void aCatalogCutShortSaysWhatToDoAboutIt() throws IOException {
    Path file = dir.resolve("catalog.db");
    try (CatalogStore store = CatalogStore.open(file)) {
      for (int i = 0; i < 200; i++) {
        StoredRun r = run(i * GIB);
        store.saveRun(new StoredRun("run-" + i, r.source(), r.hostname(), r.startedAt(), r.lastSeenAt(), r.specJson(),
            r.gpus()));
      }
    }
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));
    Files.deleteIfExists(dir.resolve("catalog.db-wal"));
    assertThatThrownBy(() -> {
      try (CatalogStore store = CatalogStore.open(file)) {
        store.loadRuns();
      }
    }).hasMessageContaining("the catalog is damaged");
  }
}
