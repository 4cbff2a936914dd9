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
        .hasMessageContaining(file.toString());
  }
}
