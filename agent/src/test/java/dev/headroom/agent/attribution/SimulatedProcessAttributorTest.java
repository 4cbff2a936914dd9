package dev.headroom.agent.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.nvml.sim.ManualClock;
import dev.headroom.nvml.sim.ScenarioLoader;
import dev.headroom.nvml.sim.SimulatedNvml;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SimulatedProcessAttributorTest {

  @Test
  void simulatedPidsAreAttributedFromTheScenario() throws Exception {
    var scenario =
        ScenarioLoader.parse(
            """
            devices:
              - type: L4_24GB
                processes:
                  - {pid: 9, name: torchrun, user: dana, commandLine: torchrun train.py, containerId: abc123, memory: [{constant: {bytes: 1GiB}}]}
            """,
            "t.yaml",
            false);
    var clock = new ManualClock(Instant.parse("2026-03-01T08:00:00Z"));
    var attributor = new SimulatedProcessAttributor(SimulatedNvml.openAll(scenario, clock));
    ProcessAttribution p = attributor.attribute(9);
    assertThat(p.alive()).isTrue();
    assertThat(p.name()).hasValue("torchrun");
    assertThat(p.user()).hasValue("dana");
    assertThat(p.commandLine()).hasValue("torchrun train.py");
    assertThat(p.container()).map(ContainerRef::containerId).hasValue("abc123");
    assertThat(attributor.attribute(10).status()).isEqualTo(ProcessAttribution.Status.DEAD);
  }
}
