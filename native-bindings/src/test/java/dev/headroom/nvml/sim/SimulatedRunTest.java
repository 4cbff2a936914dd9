package dev.headroom.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SimulatedRunTest {
  static final Instant T0 = SimulatedNvmlTest.T0;
  static final long MIB = SimulatedNvmlTest.MIB;
  static final long GIB = SimulatedNvmlTest.GIB;

  @Test
  void runCarriesIdRankSpecAndStepsOfItsSawtooth() throws Exception {
    var clock = new ManualClock(T0);
    var nvml =
        SimulatedNvmlTest.open(
            """
            devices:
              - type: H100_80GB_SXM
                count: 2
                processes:
                  - pid: 700
                    start: 30s
                    memory: [{constant: {bytes: 8GiB}}, {sawtooth: {period: 1.5s, amplitude: 2GiB}}]
                    run:
                      id: job-1
                      rank: 4
                      spec: {model: llama-3-8b, micro_batch: 2, lora_targets: [q, v]}
            """,
            clock);
    assertThat(nvml.runs()).hasSize(2);
    SimulatedRun second = nvml.runs().get(1);
    assertThat(second.runId()).isEqualTo("job-1");
    assertThat(second.rank()).isEqualTo(5);
    assertThat(second.pid()).isEqualTo(701);
    assertThat(second.cudaDevice()).isEqualTo(1);
    assertThat(second.deviceUuid()).isEqualTo(nvml.devices().get(1).uuid());
    assertThat(second.runSpecJson()).isEqualTo("{\"model\":\"llama-3-8b\",\"micro_batch\":2,\"lora_targets\":[\"q\",\"v\"]}");
    assertThat(second.stepPeriod()).isEqualTo(Duration.ofMillis(1500));
    assertThat(second.startedAt()).isEqualTo(T0.plusSeconds(30));

    assertThat(second.stepAt(T0.plusSeconds(10))).isEmpty();
    assertThat(second.stepAt(T0.plusSeconds(30))).hasValue(0);
    assertThat(second.stepAt(T0.plusSeconds(30 + 151))).hasValue(100);
    assertThat(second.stepStart(100)).isEqualTo(T0.plusSeconds(180));
  }

  @Test
  void defaultAllocatorSplitsMemoryIntoContextCacheAndAllocated() throws Exception {
    var clock = new ManualClock(T0);
    var nvml =
        SimulatedNvmlTest.open(
            """
            devices:
              - type: A100_80GB
                processes:
                  - pid: 5
                    memory: [{constant: {bytes: 20.5GiB}}]
                    run:
                      id: r
                      allocator: {contextBytes: 512MiB, cacheFraction: 0.1, inactiveSplitFraction: 0.5}
            """,
            clock);
    SimulatedRun run = nvml.runs().get(0);
    AllocatorState s = run.allocatorAt(T0.plusSeconds(60)).orElseThrow();
    assertThat(s.reservedBytes()).isEqualTo(20 * GIB);
    assertThat(s.allocatedBytes()).isEqualTo(18 * GIB);
    assertThat(s.inactiveSplitBytes()).isEqualTo(GIB);
    assertThat(s.largestFreeBlockBytes()).hasValue(GIB);
    assertThat(s.activeBytes()).isEqualTo(s.allocatedBytes());
    assertThat(s.peakReservedBytes()).isEqualTo(20 * GIB);
    assertThat(s.numAllocRetries()).isZero();
    assertThat(s.numOoms()).isZero();
    assertThat(s.at()).isEqualTo(T0.plusSeconds(60));
    assertThat(run.runSpecJson()).isEqualTo("{}");
  }

  @Test
  void fragmentationKeepsAllocatedFlatWhileReservedAndRetriesGrow() throws Exception {
    var clock = new ManualClock(T0);
    Scenario s = ScenarioLoader.load(ScenarioLoaderTest.SAMPLES.resolve("fleet.yaml"));
    SimulatedNvml a100 = SimulatedNvml.open(s, "node-a100", clock);
    SimulatedRun run = a100.runs().get(0);
    assertThat(run.runId()).isEqualTo("llama3-8b-lora-varlen");

    // Compare the same phase of a step (its start) ten and forty minutes in.
    Instant early = run.stepStart(stepAt(run, 10));
    Instant late = run.stepStart(stepAt(run, 40));
    AllocatorState a = run.allocatorAt(early).orElseThrow();
    AllocatorState b = run.allocatorAt(late).orElseThrow();
    assertThat(b.allocatedBytes() - a.allocatedBytes()).isLessThan(64 * MIB);
    assertThat(b.reservedBytes() - a.reservedBytes()).isCloseTo(30 * 250 * MIB, within(256 * MIB));
    assertThat((double) b.inactiveSplitBytes() / b.reservedBytes()).isGreaterThan((double) a.inactiveSplitBytes() / a.reservedBytes());
    assertThat(a.numAllocRetries()).isZero();
    assertThat(b.numAllocRetries()).isBetween(4L * 27, 4L * 28); // 4 per minute since minute 12
    assertThat(b.peakReservedBytes()).isGreaterThanOrEqualTo(b.reservedBytes());
    assertThat(b.peakAllocatedBytes()).isGreaterThan(b.allocatedBytes()); // step start is a trough
  }

  private static long stepAt(SimulatedRun run, int minutes) {
    return run.stepAt(T0.plus(Duration.ofMinutes(minutes))).orElseThrow();
  }

  @Test
  void oomCrashEndsTheRunWithNumOomsOneAndTheLastStatistics() throws Exception {
    var clock = new ManualClock(T0);
    var nvml =
        SimulatedNvmlTest.open(
            """
            devices:
              - type: L4_24GB
                processes:
                  - pid: 9
                    memory: [{constant: {bytes: 4GiB}}, {leak: {bytesPerMinute: 2GiB}}]
                    run: {id: doomed, allocator: {contextBytes: 0}}
            """,
            clock);
    SimulatedRun run = nvml.runs().get(0);
    assertThat(run.end(T0.plusSeconds(60))).isEmpty();
    Instant later = T0.plus(Duration.ofMinutes(30));
    RunEnd end = run.end(later).orElseThrow();
    assertThat(end.outOfMemory()).isTrue();
    long usable = GpuType.L4_24GB.totalBytes() - GpuType.L4_24GB.reservedBytes();
    double expectedSeconds = (usable - 4.0 * GIB) / (2.0 * GIB) * 60;
    assertThat(Duration.between(T0, end.at()).toMillis() / 1000.0).isCloseTo(expectedSeconds, within(1.0));
    assertThat(end.lastState().numOoms()).isEqualTo(1);
    assertThat(end.lastState().reservedBytes()).isGreaterThanOrEqualTo(usable);
    assertThat(run.allocatorAt(later)).isEmpty();
    assertThat(run.stepAt(later)).isEmpty();
    assertThat(run.aliveAt(later)).isFalse();
  }

  @Test
  void normalExitIsNotAnOom() throws Exception {
    var clock = new ManualClock(T0);
    var nvml =
        SimulatedNvmlTest.open(
            "devices: [{type: L4_24GB, processes: [{pid: 9, exitAt: 5m, memory: [{constant: {bytes: 1GiB}}], run: {id: ok}}]}]\n",
            clock);
    RunEnd end = nvml.runs().get(0).end(T0.plus(Duration.ofHours(1))).orElseThrow();
    assertThat(end.outOfMemory()).isFalse();
    assertThat(end.at()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(end.lastState().numOoms()).isZero();
  }
}
