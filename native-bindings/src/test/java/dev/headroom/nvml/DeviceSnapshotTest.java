package dev.headroom.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.nvml.GpuProcess.ProcessKind;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Full device snapshots through real JNA against the fake library, checked record by record. */
class DeviceSnapshotTest {

  static final long MIB = 1L << 20;
  static final long TOTAL = 81559 * MIB;
  static final long RESERVED = 530 * MIB;
  static final long USED = 20000 * MIB;
  static final String GPU0 = FakeNvml.uuid(0);
  static final String GPU1 = FakeNvml.uuid(1);

  FakeNvml fake;
  JnaNvml nvml;

  @BeforeEach
  void open() throws Exception {
    fake = FakeNvml.reset(FakeNvml.Variant.FULL, 2);
  }

  @AfterEach
  void close() {
    if (nvml != null) {
      nvml.close();
    }
  }

  JnaNvml session() throws NvmlException {
    nvml = fake.open();
    return nvml;
  }

  static OptionalLong bytes(long v) {
    return OptionalLong.of(v);
  }

  @Test
  void firstSnapshotHasEveryReadingAndNoRatesYet() throws Exception {
    DeviceSnapshot s = session().snapshot(GPU0);
    assertThat(s).isEqualTo(new DeviceSnapshot(
        GPU0,
        FakeNvml.NOW,
        new MemoryReading(TOTAL, RESERVED, USED, TOTAL - RESERVED - USED),
        Optional.of(new Bar1Memory(128L << 30, 50 * MIB, (128L << 30) - 50 * MIB)),
        List.of(new GpuProcess(4242, ProcessKind.COMPUTE, bytes(12000 * MIB)),
            new GpuProcess(4243, ProcessKind.COMPUTE, bytes(8000 * MIB))),
        Optional.of(new Utilization(87, 41)),
        Optional.of(new PcieStatus(OptionalLong.empty(), OptionalLong.empty(), OptionalInt.of(5), OptionalInt.of(5),
            OptionalInt.of(16), OptionalInt.of(16), OptionalLong.of(0))),
        Optional.of(new NvLinkStatus(4, OptionalLong.empty(), OptionalLong.empty(), List.of(
            new NvLinkStatus.Link(0, true, OptionalLong.empty(), OptionalLong.empty()),
            new NvLinkStatus.Link(1, true, OptionalLong.empty(), OptionalLong.empty()),
            new NvLinkStatus.Link(2, true, OptionalLong.empty(), OptionalLong.empty()),
            new NvLinkStatus.Link(3, true, OptionalLong.empty(), OptionalLong.empty())))),
        OptionalInt.of(54),
        OptionalLong.of(412_000),
        OptionalLong.of(123_456_789)));
    assertThat(s.memory().usableBytes()).isEqualTo(TOTAL - RESERVED);
    assertThat(fake.calls("nvmlDeviceGetMemoryInfo")).isZero();
    assertThat(fake.calls("nvmlDeviceGetTemperature")).isZero();
    // PCIe rates come from the byte counters, never from the 20 ms-blocking throughput call.
    assertThat(fake.calls("nvmlDeviceGetPcieThroughput")).isZero();
    // Link states, the replay counter and energy come with the counters in the one field call.
    assertThat(fake.calls("nvmlDeviceGetNvLinkState")).isZero();
    assertThat(fake.calls("nvmlDeviceGetPcieReplayCounter")).isZero();
    assertThat(fake.calls("nvmlDeviceGetTotalEnergyConsumption")).isZero();
    assertThat(fake.calls("nvmlDeviceGetFieldValues")).as("probes of 2 devices at open + 1 read").isEqualTo(5);
    // The limits of the link (min of device and slot) are read once, at open.
    nvml.snapshot(GPU0);
    assertThat(fake.calls("nvmlDeviceGetMaxPcieLinkGeneration")).isEqualTo(2);
  }

  @Test
  void withoutTheirFieldsReplayAndEnergyAreAskedByCallAndTheirFailuresAreEmpty() throws Exception {
    fake.control.fake_set_field_return(0, 83, 3);
    fake.control.fake_set_field_return(0, 94, 3);
    fake.control.fake_set_pcie_replay(0, 7);
    fake.control.fake_set_energy(0, 555);
    DeviceSnapshot s = session().snapshot(GPU0);
    assertThat(s.pcie().orElseThrow().replayCounter()).isEqualTo(OptionalLong.of(7));
    assertThat(s.energyMillijoules()).isEqualTo(OptionalLong.of(555));
    assertThat(fake.calls("nvmlDeviceGetPcieReplayCounter")).isEqualTo(1);
    fake.control.fake_set_return("nvmlDeviceGetPcieReplayCounter", 0, 4);
    fake.control.fake_set_return("nvmlDeviceGetTotalEnergyConsumption", 0, 3);
    DeviceSnapshot denied = nvml.snapshot(GPU0);
    assertThat(denied.pcie().orElseThrow().replayCounter()).isEmpty();
    assertThat(denied.energyMillijoules()).isEmpty();
  }

  @Test
  void withoutTheLinkStateFieldEachLinkIsAskedByCall() throws Exception {
    fake.control.fake_set_field_return(0, 165, 3);
    fake.control.fake_set_nvlink_link(0, 1, 0, 0, 0);
    NvLinkStatus links = session().snapshot(GPU0).nvlink().orElseThrow();
    assertThat(links.links()).extracting(NvLinkStatus.Link::active).containsExactly(true, false, true, true);
    assertThat(fake.calls("nvmlDeviceGetNvLinkState")).isEqualTo(4);
  }

  @Test
  void secondSnapshotHasPcieAndNvlinkRatesFromCounterDeltasAndDriverTimestamps() throws Exception {
    session().snapshot(GPU0);
    fake.control.fake_set_clock_us(FakeNvml.START_MICROS + 500_000);
    fake.control.fake_set_pcie_counters(0, 3_000_000L, 1_000_000L, 3);
    fake.control.fake_set_nvlink_link(0, 0, 1, 1000, 2000);
    fake.control.fake_set_nvlink_link(0, 2, 0, 500, 0);
    DeviceSnapshot s = nvml.snapshot(GPU0);
    assertThat(s.pcie().orElseThrow().txBytesPerSecond()).isEqualTo(bytes(6_000_000));
    assertThat(s.pcie().orElseThrow().rxBytesPerSecond()).isEqualTo(bytes(2_000_000));
    NvLinkStatus link = s.nvlink().orElseThrow();
    assertThat(link.txBytesPerSecond()).isEqualTo(bytes(1500L * 1024 * 2));
    assertThat(link.rxBytesPerSecond()).isEqualTo(bytes(2000L * 1024 * 2));
    assertThat(link.links()).containsExactly(
        new NvLinkStatus.Link(0, true, bytes(2000L * 1024), bytes(4000L * 1024)),
        new NvLinkStatus.Link(1, true, bytes(0), bytes(0)),
        new NvLinkStatus.Link(2, false, bytes(1000L * 1024), bytes(0)),
        new NvLinkStatus.Link(3, true, bytes(0), bytes(0)));
  }

  @Test
  void wrappingCountersStillGiveTheRightRate() throws Exception {
    fake.control.fake_set_pcie_counters(0, -1000L, 0xFFFF_FF00L, 3);
    session().snapshot(GPU0);
    fake.control.fake_set_clock_us(FakeNvml.START_MICROS + 1_000_000);
    fake.control.fake_set_pcie_counters(0, 24L, 0x100L, 3); // both passed 2^64
    assertThat(nvml.snapshot(GPU0).pcie().orElseThrow().txBytesPerSecond()).isEqualTo(bytes(1024));
  }

  @Test
  void thirtyTwoBitCountersWrapAtTwoToTheThirtyTwo() throws Exception {
    fake.control.fake_set_pcie_counters(0, 0xFFFF_FF00L, 0, 1);
    session().snapshot(GPU0);
    fake.control.fake_set_clock_us(FakeNvml.START_MICROS + 2_000_000);
    fake.control.fake_set_pcie_counters(0, 0x100L, 0, 1);
    PcieStatus pcie = nvml.snapshot(GPU0).pcie().orElseThrow();
    assertThat(pcie.txBytesPerSecond()).isEqualTo(bytes(0x200 / 2));
    assertThat(pcie.rxBytesPerSecond()).isEqualTo(bytes(0));
  }

  @Test
  void notSupportedAndNoPermissionBecomeEmptyNeverZero() throws Exception {
    fake.control.fake_set_return("nvmlDeviceGetBAR1MemoryInfo", 0, 3);
    fake.control.fake_set_return("nvmlDeviceGetUtilizationRates", 0, 3);
    fake.control.fake_set_return("nvmlDeviceGetTemperatureV", 0, 3);
    fake.control.fake_set_return("nvmlDeviceGetPowerUsage", 0, 4);
    fake.control.fake_set_field_return(0, 83, 3); // energy, by field and by call
    fake.control.fake_set_return("nvmlDeviceGetTotalEnergyConsumption", 0, 3);
    fake.control.fake_set_return("nvmlDeviceGetCurrPcieLinkGeneration", 0, 3);
    fake.control.fake_set_field_return(0, 94, 4); // replay counter, by field and by call
    fake.control.fake_set_return("nvmlDeviceGetPcieReplayCounter", 0, 4);
    fake.control.fake_set_return("nvmlDeviceGetComputeRunningProcesses_v3", 0, 4);
    DeviceSnapshot s = session().snapshot(GPU0);
    assertThat(s.bar1()).isEmpty();
    assertThat(s.utilization()).isEmpty();
    assertThat(s.temperatureCelsius()).isEmpty();
    assertThat(s.powerMilliwatts()).isEmpty();
    assertThat(s.energyMillijoules()).isEmpty();
    assertThat(s.processes()).isEmpty();
    PcieStatus pcie = s.pcie().orElseThrow();
    assertThat(pcie.currentLinkGeneration()).isEmpty();
    assertThat(pcie.replayCounter()).isEmpty();
    assertThat(pcie.maxLinkGeneration()).isEqualTo(OptionalInt.of(5));
    // The other device is untouched by device 0's script.
    DeviceSnapshot other = nvml.snapshot(GPU1);
    assertThat(other.utilization()).contains(new Utilization(87, 41));
    assertThat(other.processes()).extracting(GpuProcess::pid).containsExactly(4252L, 4253L);
  }

  @Test
  void fieldsTheDriverDoesNotSupportLeaveOnlyThoseValuesEmpty() throws Exception {
    session().snapshot(GPU0);
    fake.control.fake_set_field_return(0, 198, 3);
    fake.control.fake_set_clock_us(FakeNvml.START_MICROS + 1_000_000);
    fake.control.fake_set_pcie_counters(0, 4096, 4096, 3);
    PcieStatus pcie = nvml.snapshot(GPU0).pcie().orElseThrow();
    assertThat(pcie.txBytesPerSecond()).isEqualTo(bytes(4096));
    assertThat(pcie.rxBytesPerSecond()).isEmpty();
  }

  @Test
  void allPcieAndNvlinkFieldsUnsupportedAtOpenMeansNoNvlinkAndAFeatureNote() throws Exception {
    fake.control.fake_set_field_return(0, 91, 3);
    fake.control.fake_set_field_return(1, 91, 3);
    fake.control.fake_set_field_return(0, 197, 3);
    fake.control.fake_set_field_return(1, 197, 3);
    DeviceSnapshot s = session().snapshot(GPU0);
    assertThat(nvml.unsupportedFeatures()).containsExactlyInAnyOrder(NvmlFeature.NVLINK, NvmlFeature.PCIE_BYTE_COUNTERS);
    assertThat(s.nvlink()).isEmpty();
    // Without byte counters the driver's own throughput sample (KB/s) is used.
    assertThat(s.pcie().orElseThrow().txBytesPerSecond()).isEqualTo(bytes(1200L * 1024));
    assertThat(s.pcie().orElseThrow().rxBytesPerSecond()).isEqualTo(bytes(3400L * 1024));
    assertThat(fake.calls("nvmlDeviceGetNvLinkState")).isZero();
  }

  @Test
  void aGpuLostMidRunMarksOnlyThatDeviceLost() throws Exception {
    session().snapshot(GPU0);
    fake.control.fake_lose_gpu(0);
    assertThatThrownBy(() -> nvml.snapshot(GPU0))
        .isInstanceOfSatisfying(GpuLostException.class, e -> {
          assertThat(e.uuid()).isEqualTo(GPU0);
          assertThat(e.function()).isEqualTo("nvmlDeviceGetMemoryInfo_v2");
          assertThat(e.returnCode()).isEqualTo(15);
        })
        .hasMessage("nvmlDeviceGetMemoryInfo_v2 returned 15 (GPU is lost)");
    long callsAfterLoss = fake.calls("nvmlDeviceGetMemoryInfo_v2");
    assertThatThrownBy(() -> nvml.snapshot(GPU0)).isInstanceOf(GpuLostException.class);
    assertThat(fake.calls("nvmlDeviceGetMemoryInfo_v2")).as("a lost device is not asked again").isEqualTo(callsAfterLoss);
    assertThat(nvml.snapshot(GPU1).memory().usedBytes()).isEqualTo(USED);
  }

  @Test
  void aGpuLostInAFieldElementIsLostToo() throws Exception {
    session();
    fake.control.fake_set_field_return(1, 197, 15);
    assertThatThrownBy(() -> nvml.snapshot(GPU1))
        .isInstanceOfSatisfying(GpuLostException.class, e -> assertThat(e.function()).isEqualTo("nvmlDeviceGetFieldValues"));
    assertThat(nvml.readerFor(GPU1).isLost()).isTrue();
    assertThat(nvml.readerFor(GPU0).isLost()).isFalse();
  }

  @Test
  void aCompleteSnapshotNamesNoFailureAndAllocatesNoListForThem() throws Exception {
    DeviceSnapshot s = session().snapshot(GPU0);
    assertThat(s.isPartial()).isFalse();
    // The shared empty list: a complete pass, the common case at 20 Hz, allocates nothing for failures.
    assertThat(s.failedReadings()).isSameAs(List.of());
  }

  @Test
  void utilizationUnknownLeavesOnlyUtilizationOutAndNamesTheFailure() throws Exception {
    session();
    DeviceSnapshot before = nvml.snapshot(GPU1);
    fake.control.fake_set_return("nvmlDeviceGetUtilizationRates", 1, 999);
    DeviceSnapshot s = nvml.snapshot(GPU1);
    assertThat(s.memory()).isEqualTo(before.memory());
    assertThat(s.utilization()).isEmpty();
    assertThat(s.processes()).isEqualTo(before.processes());
    assertThat(s.temperatureCelsius()).isEqualTo(before.temperatureCelsius());
    assertThat(s.powerMilliwatts()).isEqualTo(before.powerMilliwatts());
    assertThat(s.isPartial()).isTrue();
    assertThat(s.failedReadings()).containsExactly(new ReadingFailure("nvmlDeviceGetUtilizationRates", 999,
        "nvmlDeviceGetUtilizationRates returned 999 (Unknown Error)"));
    assertThat(nvml.snapshot(GPU0).failedReadings()).as("device 0 is not scripted").isEmpty();
  }

  @Test
  void aFailedReadingComesBackOnTheNextSnapshotOnceTheDriverAnswersAgain() throws Exception {
    session();
    fake.control.fake_set_return("nvmlDeviceGetUtilizationRates", 1, 10);
    fake.control.fake_set_return("nvmlDeviceGetPowerUsage", 1, 10);
    DeviceSnapshot failing = nvml.snapshot(GPU1);
    assertThat(failing.failedReadings()).extracting(ReadingFailure::function, ReadingFailure::message).containsExactly(
        org.assertj.core.groups.Tuple.tuple("nvmlDeviceGetUtilizationRates",
            "nvmlDeviceGetUtilizationRates returned 10 (Timeout)"),
        org.assertj.core.groups.Tuple.tuple("nvmlDeviceGetPowerUsage", "nvmlDeviceGetPowerUsage returned 10 (Timeout)"));
    assertThat(failing.powerMilliwatts()).isEmpty();
    fake.control.fake_set_return("nvmlDeviceGetUtilizationRates", 1, 0);
    DeviceSnapshot half = nvml.snapshot(GPU1);
    assertThat(half.utilization()).contains(new Utilization(87, 41));
    assertThat(half.failedReadings()).extracting(ReadingFailure::function).containsExactly("nvmlDeviceGetPowerUsage");
    fake.control.fake_set_return("nvmlDeviceGetPowerUsage", 1, 0);
    DeviceSnapshot recovered = nvml.snapshot(GPU1);
    assertThat(recovered.powerMilliwatts()).isPresent();
    assertThat(recovered.failedReadings()).isEmpty();
  }

  @Test
  void aFailedComputeListIsAnEmptyListWithItsFailureNeverNoProcesses() throws Exception {
    session();
    fake.control.fake_set_return("nvmlDeviceGetComputeRunningProcesses_v3", 0, 999);
    DeviceSnapshot s = nvml.snapshot(GPU0);
    assertThat(s.processes()).isEmpty();
    assertThat(s.memory().usedBytes()).isEqualTo(USED);
    assertThat(s.failedReadings()).containsExactly(new ReadingFailure("nvmlDeviceGetComputeRunningProcesses_v3", 999,
        "nvmlDeviceGetComputeRunningProcesses_v3 returned 999 (Unknown Error)"));
  }

  @Test
  void aFailedGraphicsListDropsTheComputeListTooRatherThanReportHalfTheProcesses() throws Exception {
    session();
    fake.control.fake_set_return("nvmlDeviceGetGraphicsRunningProcesses_v3", 0, 999);
    DeviceSnapshot s = nvml.snapshot(GPU0);
    assertThat(s.processes()).isEmpty();
    assertThat(s.failedReadings()).extracting(ReadingFailure::function)
        .containsExactly("nvmlDeviceGetGraphicsRunningProcesses_v3");
    fake.control.fake_set_return("nvmlDeviceGetGraphicsRunningProcesses_v3", 0, 0);
    assertThat(nvml.snapshot(GPU0).processes()).extracting(GpuProcess::pid).containsExactly(4242L, 4243L);
  }

  @Test
  void aFailedFieldValuesCallLeavesTheCountersReplayAndEnergyOutButNotTheLinkCalls() throws Exception {
    session();
    fake.control.fake_set_return("nvmlDeviceGetFieldValues", 0, 999);
    DeviceSnapshot s = nvml.snapshot(GPU0);
    PcieStatus pcie = s.pcie().orElseThrow();
    assertThat(pcie.txBytesPerSecond()).isEmpty();
    assertThat(pcie.replayCounter()).isEmpty();
    assertThat(pcie.currentLinkGeneration()).isEqualTo(OptionalInt.of(5));
    assertThat(s.energyMillijoules()).isEmpty();
    assertThat(s.temperatureCelsius()).isEqualTo(OptionalInt.of(54));
    assertThat(s.failedReadings()).containsExactly(new ReadingFailure("nvmlDeviceGetFieldValues", 999,
        "nvmlDeviceGetFieldValues returned 999 (Unknown Error)"));
  }

  @Test
  void failingFieldElementsAreNamedOncePerCodeAndLeaveOnlyTheirValuesOut() throws Exception {
    session().snapshot(GPU0);
    fake.control.fake_set_field_return(0, 197, 999); // PCIe TX bytes
    fake.control.fake_set_field_return(0, 198, 999); // PCIe RX bytes
    fake.control.fake_set_clock_us(FakeNvml.START_MICROS + 1_000_000);
    DeviceSnapshot s = nvml.snapshot(GPU0);
    assertThat(s.pcie().orElseThrow().txBytesPerSecond()).isEmpty();
    assertThat(s.pcie().orElseThrow().rxBytesPerSecond()).isEmpty();
    assertThat(s.energyMillijoules()).isEqualTo(OptionalLong.of(123_456_789));
    assertThat(s.nvlink().orElseThrow().links()).extracting(NvLinkStatus.Link::active).containsOnly(true);
    assertThat(s.failedReadings()).extracting(ReadingFailure::function, ReadingFailure::returnCode)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("nvmlDeviceGetFieldValues", 999));
  }

  @Test
  void memoryFailingWithAnyOtherCodeStillLosesTheSnapshot() throws Exception {
    session();
    fake.control.fake_set_return("nvmlDeviceGetMemoryInfo_v2", 1, 999);
    assertThatThrownBy(() -> nvml.snapshot(GPU1))
        .isExactlyInstanceOf(NvmlException.class)
        .hasMessage("nvmlDeviceGetMemoryInfo_v2 returned 999 (Unknown Error)");
    fake.control.fake_set_return("nvmlDeviceGetMemoryInfo_v2", 1, 0);
    assertThat(nvml.snapshot(GPU1).utilization()).isPresent();
  }

  @Test
  void aGpuLostInAnOptionalReadingIsStillLost() throws Exception {
    session();
    fake.control.fake_set_return("nvmlDeviceGetPowerUsage", 0, 15);
    assertThatThrownBy(() -> nvml.snapshot(GPU0))
        .isInstanceOfSatisfying(GpuLostException.class, e -> assertThat(e.function()).isEqualTo("nvmlDeviceGetPowerUsage"));
    assertThat(nvml.readerFor(GPU0).isLost()).isTrue();
  }

  @Test
  void memoryNotSupportedIsAnErrorBecauseASnapshotNeedsMemory() throws Exception {
    session();
    fake.control.fake_set_return("nvmlDeviceGetMemoryInfo_v2", 0, 3);
    assertThatThrownBy(() -> nvml.snapshot(GPU0))
        .isExactlyInstanceOf(NvmlException.class)
        .hasMessage("nvmlDeviceGetMemoryInfo_v2 returned 3 (Not Supported)");
  }

  @Test
  void versionMismatchOnMemoryV2FallsBackToV1ForGood() throws Exception {
    session();
    fake.control.fake_set_return("nvmlDeviceGetMemoryInfo_v2", 0, 25);
    MemoryReading first = nvml.snapshot(GPU0).memory();
    // v1 counts reserved memory as used: used + free == total.
    assertThat(first).isEqualTo(new MemoryReading(TOTAL, 0, USED + RESERVED, TOTAL - RESERVED - USED));
    nvml.snapshot(GPU0);
    assertThat(fake.calls("nvmlDeviceGetMemoryInfo_v2")).as("two open probes + one failed read").isEqualTo(3);
    assertThat(fake.calls("nvmlDeviceGetMemoryInfo")).isEqualTo(2);
  }

  @Test
  void aDriverWhoseV2UsedIncludesReservedIsNormalisedByTheInvariant() throws Exception {
    fake.control.fake_set_v2_used_includes_reserved(0, 1);
    DeviceSnapshot s = session().snapshot(GPU0);
    assertThat(s.memory()).isEqualTo(new MemoryReading(TOTAL, RESERVED, USED, TOTAL - RESERVED - USED));
    assertThat(s.memory().usedRatio()).isEqualTo((double) USED / (TOTAL - RESERVED));
  }

  @Test
  void temperatureVersionMismatchFallsBackToTheLegacyCall() throws Exception {
    session();
    fake.control.fake_set_return("nvmlDeviceGetTemperatureV", 0, 25);
    fake.control.fake_set_temperature(0, -3);
    assertThat(nvml.snapshot(GPU0).temperatureCelsius()).isEqualTo(OptionalInt.of(-3));
    assertThat(fake.calls("nvmlDeviceGetTemperature")).isEqualTo(1);
  }

  @Test
  void modesReportMigAndComputeMode() throws Exception {
    fake.control.fake_set_modes(1, 1, 0, 3);
    session();
    assertThat(nvml.modes(GPU0)).contains(new DeviceModes(Optional.of(false), Optional.of(false),
        Optional.of(DeviceModes.ComputeMode.DEFAULT)));
    assertThat(nvml.modes(GPU1)).contains(new DeviceModes(Optional.of(true), Optional.of(false),
        Optional.of(DeviceModes.ComputeMode.EXCLUSIVE_PROCESS)));
    fake.control.fake_set_return("nvmlDeviceGetMigMode", 0, 3);
    assertThat(nvml.modes(GPU0).orElseThrow().migEnabled()).isEmpty();
  }

  @Test
  void twoThreadsSnapshottingOneDeviceNeverSeeEachOthersBuffers() throws Exception {
    session();
    fake.control.fake_set_memory(0, TOTAL, RESERVED, 1234 * MIB, TOTAL - RESERVED - 1234 * MIB);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<Integer>> results = pool.invokeAll(List.of(this::readMany, this::readMany));
      for (var r : results) {
        assertThat(r.get()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private int readMany() throws NvmlException {
    int good = 0;
    for (int i = 0; i < 200; i++) {
      DeviceSnapshot s = nvml.snapshot(GPU0);
      if (s.memory().usedBytes() == 1234 * MIB && s.processes().size() == 2) {
        good++;
      }
    }
    return good;
  }

  @Test
  void anUnknownUuidIsACallerError() throws Exception {
    session();
    assertThatThrownBy(() -> nvml.snapshot("GPU-nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no device with UUID GPU-nope")
        .hasMessageContaining(GPU0);
  }
}
