package dev.headroom.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.headroom.nvml.DeviceSnapshot;
import dev.headroom.nvml.GpuLostException;
import dev.headroom.nvml.GpuProcess;
import dev.headroom.nvml.NvmlException;
import dev.headroom.nvml.NvmlFeature;
import dev.headroom.nvml.XidEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SimulatedNvmlTest {
  static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  static final long MIB = 1024L * 1024;
  static final long GIB = 1024 * MIB;

  static SimulatedNvml open(String yaml, ManualClock clock) throws ScenarioException {
    Scenario s = ScenarioLoader.parse(yaml, "test.yaml", false);
    return SimulatedNvml.open(s, s.hosts().get(0).name(), clock);
  }

  static String onlyUuid(SimulatedNvml nvml) {
    return nvml.devices().get(0).uuid();
  }

  @Test
  void devicesCarryTheTypesRealFiguresAndStableIdentity() throws Exception {
    String yaml =
        """
        hosts:
          - name: node-a
            devices:
              - {type: H100_80GB_SXM, count: 2}
              - {type: L4_24GB, uuid: GPU-fixed-l4}
        """;
    var nvml = open(yaml, new ManualClock(T0));
    assertThat(nvml.devices()).hasSize(3);
    assertThat(nvml.devices().get(0).name()).isEqualTo("NVIDIA H100 80GB HBM3");
    assertThat(nvml.devices().get(0).totalMemoryBytes()).isEqualTo(81_559 * MIB);
    assertThat(nvml.devices().get(1).index()).isEqualTo(1);
    assertThat(nvml.devices().get(2).uuid()).isEqualTo("GPU-fixed-l4");
    assertThat(nvml.devices()).extracting(d -> d.uuid()).doesNotHaveDuplicates();
    assertThat(nvml.devices().get(0).pciBusId()).isEqualTo("00000000:18:00.0");
    // Same scenario, same UUIDs: they are derived from the seed, not random.
    assertThat(open(yaml, new ManualClock(T0)).devices()).isEqualTo(nvml.devices());
    assertThat(nvml.driver().driverVersion()).isEqualTo("550.127.05");
    assertThat(nvml.driver().cudaVersionText()).isEqualTo("12.4");
    assertThat(nvml.unsupportedFeatures()).isEmpty();
  }

  @Test
  void memoryFollowsTheComposedCurveExactly() throws Exception {
    var clock = new ManualClock(T0);
    var nvml =
        open(
            """
            devices:
              - type: A100_80GB
                processes:
                  - pid: 77
                    start: 10s
                    memory:
                      - constant: {bytes: 1GiB}
                      - ramp: {to: 10GiB, duration: 100s}
                      - leak: {bytesPerMinute: 60MiB, start: 100s}
            """,
            clock);
    String uuid = onlyUuid(nvml);
    DeviceSnapshot before = nvml.snapshot(uuid);
    assertThat(before.processes()).isEmpty();
    assertThat(before.memory().usedBytes()).isZero();

    clock.setOffset(Duration.ofSeconds(60)); // 50 s into the process: 1 + 5 GiB
    DeviceSnapshot mid = nvml.snapshot(uuid);
    assertThat(mid.memory().usedBytes()).isEqualTo(6 * GIB);
    assertThat(mid.processes())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.pid()).isEqualTo(77);
              assertThat(p.kind()).isEqualTo(GpuProcess.ProcessKind.COMPUTE);
              assertThat(p.usedGpuMemoryBytes()).hasValue(6 * GIB);
            });

    clock.setOffset(Duration.ofSeconds(10 + 100 + 600)); // ramp done, leak 10 min × 60 MiB
    DeviceSnapshot late = nvml.snapshot(uuid);
    assertThat(late.memory().usedBytes()).isEqualTo(11 * GIB + 600 * MIB);
    long usable = GpuType.A100_80GB.totalBytes() - GpuType.A100_80GB.reservedBytes();
    assertThat(late.memory().usableBytes()).isEqualTo(usable);
    assertThat(late.memory().freeBytes()).isEqualTo(usable - late.memory().usedBytes());
    assertThat(late.memory().reservedBytes()).isEqualTo(GpuType.A100_80GB.reservedBytes());
    assertThat(late.timestamp()).isEqualTo(T0.plusSeconds(710));
  }

  @Test
  void overflowKillsTheAllocatingProcessAndFreesItsMemory() throws Exception {
    var clock = new ManualClock(T0);
    var nvml =
        open(
            """
            devices:
              - type: L4_24GB
                processes:
                  - pid: 1
                    name: steady
                    memory: [{constant: {bytes: 10GiB}}]
                  - pid: 2
                    name: grower
                    memory:
                      - constant: {bytes: 2GiB}
                      - leak: {bytesPerMinute: 1GiB}
            """,
            clock);
    String uuid = onlyUuid(nvml);
    long usable = GpuType.L4_24GB.totalBytes() - GpuType.L4_24GB.reservedBytes();
    // The grower fills the rest after (usable − 12 GiB) / (1 GiB/min) minutes.
    double crashMinutes = (usable - 12.0 * GIB) / GIB;
    clock.setOffset(Duration.ofSeconds((long) (crashMinutes * 60) - 5));
    DeviceSnapshot justBefore = nvml.snapshot(uuid);
    assertThat(justBefore.processes()).extracting(GpuProcess::pid).containsExactly(1L, 2L);
    assertThat(justBefore.memory().usedRatio()).isGreaterThan(0.99);

    clock.setOffset(Duration.ofSeconds((long) (crashMinutes * 60) + 5));
    DeviceSnapshot after = nvml.snapshot(uuid);
    assertThat(after.processes()).extracting(GpuProcess::pid).containsExactly(1L);
    assertThat(after.memory().usedBytes()).isEqualTo(10 * GIB);
  }

  @Test
  void forcedOomExitAndChurnChangeTheProcessList() throws Exception {
    var clock = new ManualClock(T0);
    var nvml =
        open(
            """
            devices:
              - type: H100_80GB_SXM
                churn: {every: 60s, lifetime: 10s, bytes: 300MiB, firstPid: 5000, name: nvidia-smi}
                processes:
                  - {pid: 10, oomAt: 2m, memory: [{constant: {bytes: 4GiB}}]}
                  - {pid: 11, exitAt: 3m, memory: [{constant: {bytes: 1GiB}}]}
            """,
            clock);
    String uuid = onlyUuid(nvml);
    clock.setOffset(Duration.ofSeconds(65));
    assertThat(nvml.snapshot(uuid).processes()).extracting(GpuProcess::pid).containsExactly(10L, 11L, 5001L);
    assertThat(nvml.snapshot(uuid).memory().usedBytes()).isEqualTo(5 * GIB + 300 * MIB);
    clock.setOffset(Duration.ofSeconds(75));
    assertThat(nvml.snapshot(uuid).processes()).extracting(GpuProcess::pid).containsExactly(10L, 11L);
    clock.setOffset(Duration.ofSeconds(150));
    assertThat(nvml.snapshot(uuid).processes()).extracting(GpuProcess::pid).containsExactly(11L);
    clock.setOffset(Duration.ofSeconds(185));
    assertThat(nvml.snapshot(uuid).processes()).extracting(GpuProcess::pid).containsExactly(5003L);
    assertThat(nvml.processInfo(5003)).hasValueSatisfying(i -> assertThat(i.name()).isEqualTo("nvidia-smi"));
    assertThat(nvml.processInfo(10)).hasValueSatisfying(i -> assertThat(i.name()).isEqualTo("python"));
    assertThat(nvml.processInfo(424242)).isEmpty();
  }

  @Test
  void ratesComeFromCounterDeltasSoTheFirstSnapshotHasNone() throws Exception {
    var clock = new ManualClock(T0);
    var nvml =
        open(
            """
            devices:
              - type: H100_80GB_SXM
                processes:
                  - pid: 3
                    memory: [{constant: {bytes: 1GiB}}, {sawtooth: {period: 2s, amplitude: 1GiB}}]
                    traffic: {pcieRxBytesPerSecond: 1GB, nvlinkTxBytesPerSecond: 36GB}
            """,
            clock);
    String uuid = onlyUuid(nvml);
    DeviceSnapshot first = nvml.snapshot(uuid);
    assertThat(first.pcie().orElseThrow().rxBytesPerSecond()).isEmpty();
    assertThat(first.nvlink().orElseThrow().txBytesPerSecond()).isEmpty();
    assertThat(first.pcie().orElseThrow().currentLinkGeneration()).hasValue(5);

    clock.advance(Duration.ofSeconds(20)); // whole steps: the ±15 % swing integrates to zero
    DeviceSnapshot second = nvml.snapshot(uuid);
    assertThat(second.pcie().orElseThrow().rxBytesPerSecond().getAsLong()).isCloseTo(1_000_000_000L, within(1_000L));
    assertThat(second.pcie().orElseThrow().txBytesPerSecond()).hasValue(0);
    var nvlink = second.nvlink().orElseThrow();
    assertThat(nvlink.linkCount()).isEqualTo(18);
    assertThat(nvlink.txBytesPerSecond().getAsLong()).isCloseTo(36_000_000_000L, within(10_000L));
    assertThat(nvlink.links()).hasSize(18).allSatisfy(l -> assertThat(l.active()).isTrue());
    assertThat(nvlink.links().get(0).txBytesPerSecond().getAsLong()).isCloseTo(2_000_000_000L, within(1_000L));

    clock.advance(Duration.ofMillis(500)); // mid-step: bursts show as a rate off the mean
    long burst = nvml.snapshot(uuid).pcie().orElseThrow().rxBytesPerSecond().getAsLong();
    assertThat(burst).isBetween(1_000_000_000L, 1_150_000_000L).isNotEqualTo(1_000_000_000L);
  }

  @Test
  void utilizationPowerAndEnergyFollowTheWork() throws Exception {
    var clock = new ManualClock(T0);
    var nvml =
        open(
            """
            devices:
              - type: A100_40GB
                processes:
                  - {pid: 3, start: 100s, gpuPercent: 80, memory: [{constant: {bytes: 1GiB}}]}
            """,
            clock);
    String uuid = onlyUuid(nvml);
    DeviceSnapshot idle = nvml.snapshot(uuid);
    assertThat(idle.utilization().orElseThrow().gpuPercent()).isZero();
    assertThat(idle.powerMilliwatts()).hasValue(55_000);
    clock.setOffset(Duration.ofSeconds(200));
    DeviceSnapshot busy = nvml.snapshot(uuid);
    assertThat(busy.utilization().orElseThrow().gpuPercent()).isBetween(78, 82);
    assertThat(busy.powerMilliwatts().getAsLong()).isBetween(320_000L, 340_000L);
    assertThat(busy.temperatureCelsius().getAsInt()).isBetween(60, 70);
    // 200 s idle draw + 100 s at 80 % of (400 − 55) W
    assertThat(busy.energyMillijoules().getAsLong()).isEqualTo(200L * 55_000 + 100L * 276_000);
  }

  @Test
  void xidsArriveInOrderAndWaitingMovesTheManualClock() throws Exception {
    var clock = new ManualClock(T0);
    var nvml =
        open(
            """
            devices:
              - type: H100_80GB_SXM
                xids: [{at: 12m, code: 31}, {at: 2m, code: 48}]
            """,
            clock);
    assertThat(nvml.awaitXid(Duration.ofSeconds(30))).isEmpty();
    assertThat(clock.secondsAt(clock.now())).isEqualTo(30);
    Optional<XidEvent> first = nvml.awaitXid(Duration.ofHours(1));
    assertThat(first).hasValueSatisfying(
        x -> {
          assertThat(x.xid()).isEqualTo(48);
          assertThat(x.uuid()).isEqualTo(onlyUuid(nvml));
          assertThat(x.receivedAt()).isEqualTo(T0.plusSeconds(120));
        });
    assertThat(clock.now()).isEqualTo(T0.plusSeconds(120));
    clock.setOffset(Duration.ofMinutes(20));
    assertThat(nvml.awaitXid(Duration.ZERO)).hasValueSatisfying(x -> assertThat(x.xid()).isEqualTo(31));
    assertThat(nvml.awaitXid(Duration.ZERO)).isEmpty();
  }

  @Test
  void xidsBeforeTheSessionOpenedAreNotDelivered() throws Exception {
    var clock = new ManualClock(T0, Duration.ofMinutes(5));
    var nvml = open("devices: [{type: L4_24GB, xids: [{at: 1m, code: 13}, {at: 6m, code: 43}]}]\n", clock);
    assertThat(nvml.awaitXid(Duration.ofMinutes(10))).hasValueSatisfying(x -> assertThat(x.xid()).isEqualTo(43));
    assertThat(nvml.unsupportedFeatures()).containsExactly(NvmlFeature.NVLINK);
  }

  @Test
  void lostGpuFailsItsSnapshotsAndSendsXid79WhileOthersKeepWorking() throws Exception {
    var clock = new ManualClock(T0);
    var nvml = open("devices: [{type: H100_80GB_SXM, lostAt: 30s}, {type: H100_80GB_SXM}]\n", clock);
    String lost = nvml.devices().get(0).uuid();
    String fine = nvml.devices().get(1).uuid();
    assertThat(nvml.snapshot(lost).memory().usedBytes()).isZero();
    clock.setOffset(Duration.ofSeconds(31));
    assertThatThrownBy(() -> nvml.snapshot(lost))
        .isInstanceOfSatisfying(GpuLostException.class, e -> {
          assertThat(e.uuid()).isEqualTo(lost);
          assertThat(e.returnCode()).isEqualTo(15);
        });
    assertThat(nvml.snapshot(fine).uuid()).isEqualTo(fine);
    assertThat(nvml.awaitXid(Duration.ZERO)).hasValueSatisfying(x -> {
      assertThat(x.xid()).isEqualTo(79);
      assertThat(x.uuid()).isEqualTo(lost);
    });
  }

  @Test
  void unknownDeviceAndClosedSessionAreNvmlErrors() throws Exception {
    var nvml = open("devices: [{type: L4_24GB}]\n", new ManualClock(T0));
    assertThatThrownBy(() -> nvml.snapshot("GPU-nope"))
        .isInstanceOf(NvmlException.class)
        .hasMessageContaining("Not Found");
    nvml.close();
    nvml.close();
    assertThatThrownBy(() -> nvml.snapshot(onlyUuid(nvml))).hasMessageContaining("Uninitialized");
  }

  @Test
  void anHourOfTrainingIsReproducibleAndNeverExceedsTheGpu() throws Exception {
    List<Long> first = hourOfUsedBytes();
    List<Long> second = hourOfUsedBytes();
    assertThat(first).hasSize(3600).isEqualTo(second);
    long usable = GpuType.H100_80GB_SXM.totalBytes() - GpuType.H100_80GB_SXM.reservedBytes();
    assertThat(first).allSatisfy(b -> assertThat(b).isBetween(0L, usable));
    assertThat(first.stream().distinct().count()).as("noise and sawtooth make readings vary").isGreaterThan(1000);
  }

  private static List<Long> hourOfUsedBytes() throws Exception {
    var clock = new ManualClock(T0);
    Scenario s = ScenarioLoader.load(ScenarioLoaderTest.SAMPLES.resolve("single-h100.yaml"));
    var nvml = SimulatedNvml.open(s, "sim-h100", clock);
    String uuid = onlyUuid(nvml);
    List<Long> used = new ArrayList<>();
    for (int i = 0; i < 3600; i++) {
      clock.advance(Duration.ofMillis(1000));
      used.add(nvml.snapshot(uuid).memory().usedBytes());
    }
    return used;
  }

  @Test
  void readingsArePureFunctionsOfTheInstant() throws Exception {
    var clock = new ManualClock(T0);
    Scenario s = ScenarioLoader.load(ScenarioLoaderTest.SAMPLES.resolve("single-h100.yaml"));
    var a = SimulatedNvml.open(s, "sim-h100", clock);
    String uuid = onlyUuid(a);
    clock.setOffset(Duration.ofSeconds(1234));
    long direct = a.snapshot(uuid).memory().usedBytes();
    var b = SimulatedNvml.open(s, "sim-h100", clock);
    clock.setOffset(Duration.ofSeconds(10));
    b.snapshot(uuid);
    clock.setOffset(Duration.ofSeconds(1234));
    assertThat(b.snapshot(uuid).memory().usedBytes()).isEqualTo(direct);
  }

  @Test
  void xidWaitOnOneThreadDoesNotBlockSnapshotsOnAnother() throws Exception {
    Scenario s =
        ScenarioLoader.parse(
            "devices: [{type: H100_80GB_SXM, xids: [{at: 2m, code: 48}], processes: [{pid: 1, memory: [{constant: {bytes: 2GiB}}]}]}]\n",
            "t.yaml",
            false);
    // 1,000× compression: the Xid two simulated minutes away is 120 ms of wall time.
    var clock = new CompressedClock(java.time.InstantSource.system(), 1_000, Duration.ZERO);
    var nvml = SimulatedNvml.open(s, Scenario.DEFAULT_HOST, clock);
    var waiter = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      var xid = waiter.submit(() -> nvml.awaitXid(Duration.ofSeconds(5)));
      for (int i = 0; i < 200; i++) {
        assertThat(nvml.snapshot(onlyUuid(nvml)).memory().usedBytes()).isEqualTo(2 * GIB);
      }
      assertThat(xid.get(5, java.util.concurrent.TimeUnit.SECONDS)).hasValueSatisfying(x -> assertThat(x.xid()).isEqualTo(48));
    } finally {
      waiter.shutdownNow();
    }
  }

  @Test
  void unknownHostIsNamedWithTheHostsThatExist() throws Exception {
    Scenario s = ScenarioLoader.load(ScenarioLoaderTest.SAMPLES.resolve("single-h100.yaml"));
    assertThatThrownBy(() -> SimulatedNvml.open(s, "elsewhere", new ManualClock(T0)))
        .hasMessageContaining("no host 'elsewhere'")
        .hasMessageContaining("sim-h100");
  }
}
