package dev.headroom.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.nvml.sim.Scenario;
import dev.headroom.nvml.sim.ScenarioException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoScenarioTest {
  @TempDir Path dir;

  @Test
  void theBundledFleetIsTheRepositorysFileAndHoldsTheFourStories() throws Exception {
    DemoScenario bundled = DemoScenario.bundled();
    assertThat(bundled.origin()).isEqualTo("fleet.yaml (bundled)");
    Scenario s = bundled.scenario();
    assertThat(s.hosts()).extracting(Scenario.Host::name)
        .containsExactly("node-ws", "node-h100", "node-dgx", "node-a100");
    // Surefire runs in the cli module: the checkout's file is one folder up.
    Path repoFleet = Path.of("..").resolve(DemoScenario.FLEET_IN_REPO);
    try (var in = DemoScenario.class.getResourceAsStream(DemoScenario.BUNDLED_RESOURCE)) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo(Files.readString(repoFleet));
    }
  }

  @Test
  void findsTheCheckoutsFleetFromAFolderInsideIt() throws Exception {
    Path fleet = dir.resolve(DemoScenario.FLEET_IN_REPO);
    Files.createDirectories(fleet.getParent());
    Files.writeString(fleet, "name: x\ndevices: []\n");
    Path deep = Files.createDirectories(dir.resolve("cli/target/classes"));
    assertThat(DemoScenario.findInCheckout(List.of(deep))).contains(fleet.toAbsolutePath().normalize());
    Path elsewhere = Files.createTempDirectory("headroom-elsewhere");
    try {
      assertThat(DemoScenario.findInCheckout(List.of(elsewhere))).isEmpty();
    } finally {
      Files.delete(elsewhere);
    }
  }

  @Test
  void aBrokenFileNamesItsLineAndField() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "hosts:\n  - name: n\n    devices:\n      - type: H100_80GB_SXM\n        colour: blue\n");
    assertThatThrownBy(() -> DemoScenario.fromFile(bad))
        .isInstanceOf(ScenarioException.class)
        .hasMessageStartingWith(bad + ":")
        .hasMessageContaining("field 'hosts[0].devices[0].colour'");
  }
}
