package dev.headroom.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.headroom.nvml.DeviceSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo fleet tells the four stories of issue 7; these tests pin each one down. */
class FleetScenarioTest {
  static final Instant T0 = SimulatedNvmlTest.T0;
  static final long MIB = SimulatedNvmlTest.MIB;
  static Scenario fleet;

  @BeforeAll
  static void load() throws Exception {
    fleet = ScenarioLoader.load(ScenarioLoaderTest.SAMPLES.resolve("fleet.yaml"));
  }

  @Test
  void fleetHasFourNodesElevenGpusAndCompressesAnHourIntoAMinute() {
    Map<String, Integer> gpus =
        fleet.hosts().stream()
            .collect(Collectors.toMap(Scenario.Host::name, h -> h.devices().stream().mapToInt(Scenario.Device::count).sum()));
    assertThat(gpus).containsExactlyInAnyOrderEntriesOf(Map.of("node-ws", 1, "node-h100", 1, "node-dgx", 8, "node-a100", 1));
    assertThat(fleet.timeCompression()).isEqualTo(60);
    var clock = new ManualClock(T0);
    assertThat(SimulatedNvml.openAll(fleet, clock))
        .flatExtracting(SimulatedNvml::runs)
        .extracting(SimulatedRun::runSpecJson)
        .allSatisfy(json -> assertThat(json).contains("\"model\""));
  }

  @Test
  void qloraOnThe4090StaysHealthyAllHour() throws Exception {
    Trace t = trace("node-ws", 0);
    assertThat(t.maxRatio).isBetween(0.35, 0.75);
    assertThat(t.firstOverNinety).isNull();
    assertThat(t.lastProcessCount).isEqualTo(1);
  }

  @Test
  void mistralFullFineTuneCrossesNinetyPercentThenDiesOfOom() throws Exception {
    Trace t = trace("node-h100", 0);
    assertThat(t.firstOverNinety).isNotNull();
    assertThat(t.firstOverNinety.toMinutes()).isBetween(14L, 20L);
    var clock = new ManualClock(T0);
    SimulatedRun run = SimulatedNvml.open(fleet, "node-h100", clock).runs().get(0);
    RunEnd end = run.end(T0.plus(Duration.ofHours(1))).orElseThrow();
    assertThat(end.outOfMemory()).isTrue();
    assertThat(Duration.between(T0, end.at()).toMinutes()).isBetween(28L, 36L);
    assertThat(t.lastProcessCount).isZero();
    assertThat(t.lastUsedBytes).isZero();
  }

  @Test
  void rankSevenOfTheFsdpJobLeaksWhileTheOtherRanksStayFlat() throws Exception {
    var clock = new ManualClock(T0);
    SimulatedNvml dgx = SimulatedNvml.open(fleet, "node-dgx", clock);
    assertThat(dgx.runs()).extracting(SimulatedRun::rank).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(dgx.runs()).extracting(SimulatedRun::runId).containsOnly("llama3-70b-qlora-fsdp");
    assertThat(dgx.runs()).extracting(SimulatedRun::pid).containsExactly(4100L, 4101L, 4102L, 4103L, 4104L, 4105L, 4106L, 4107L);
    for (SimulatedRun run : dgx.runs()) {
      long growth = troughGrowthBytes(run, 10, 50);
      if (run.rank() == 7) {
        assertThat(growth).as("rank 7").isCloseTo(40 * 300 * MIB, within(400 * MIB));
      } else {
        assertThat(growth).as("rank " + run.rank()).isLessThan(200 * MIB);
      }
    }
    assertThat(dgx.snapshot(dgx.devices().get(7).uuid()).nvlink()).isPresent();
  }

  /** Growth of the process's memory between step starts (troughs) at two minutes. */
  private static long troughGrowthBytes(SimulatedRun run, int fromMinute, int toMinute) {
    long a = run.allocatorAt(run.stepStart(run.stepAt(T0.plus(Duration.ofMinutes(fromMinute))).orElseThrow())).orElseThrow().reservedBytes();
    long b = run.allocatorAt(run.stepStart(run.stepAt(T0.plus(Duration.ofMinutes(toMinute))).orElseThrow())).orElseThrow().reservedBytes();
    return b - a;
  }

  /** What a 1 s sampler sees over one simulated hour. */
  private static final class Trace {
    double maxRatio;
    Duration firstOverNinety;
    int lastProcessCount;
    long lastUsedBytes;
  }

  private static Trace trace(String host, int device) throws Exception {
    var clock = new ManualClock(T0);
    SimulatedNvml nvml = SimulatedNvml.open(fleet, host, clock);
    String uuid = nvml.devices().get(device).uuid();
    Trace t = new Trace();
    for (int s = 1; s <= 3600; s++) {
      clock.setOffset(Duration.ofSeconds(s));
      DeviceSnapshot snap = nvml.snapshot(uuid);
      double ratio = snap.memory().usedRatio();
      t.maxRatio = Math.max(t.maxRatio, ratio);
      if (ratio > 0.9 && t.firstOverNinety == null) {
        t.firstOverNinety = Duration.ofSeconds(s);
      }
      t.lastProcessCount = snap.processes().size();
      t.lastUsedBytes = snap.memory().usedBytes();
    }
    return t;
  }
}
