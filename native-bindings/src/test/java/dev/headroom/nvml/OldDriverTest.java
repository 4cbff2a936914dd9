package dev.headroom.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.nvml.GpuProcess.ProcessKind;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Libraries of older drivers: the missing symbols are found once at open, reported as unsupported
 * features, and the fallbacks are used; nothing fails at read time.
 */
class OldDriverTest {

  static final long MIB = 1L << 20;
  static final String GPU0 = FakeNvml.uuid(0);

  @Test
  void anR470LibraryFallsBackToMemoryV1ProcessesV2LegacyTemperatureAndPcieThroughput() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.R470, 1);
    try (JnaNvml nvml = fake.open()) {
      assertThat(nvml.unsupportedFeatures()).containsExactlyInAnyOrder(
          NvmlFeature.MEMORY_INFO_V2, NvmlFeature.PROCESS_LIST_V3, NvmlFeature.TEMPERATURE_V,
          NvmlFeature.PCIE_BYTE_COUNTERS);
      assertThat(nvml.processListFlavor()).isEqualTo(ProcessListReader.Flavor.V2);
      DeviceSnapshot s = nvml.snapshot(GPU0);
      long total = 81559 * MIB;
      assertThat(s.memory()).isEqualTo(new MemoryReading(total, 0, 20530 * MIB, total - 20530 * MIB));
      assertThat(s.processes()).containsExactly(
          new GpuProcess(4242, ProcessKind.COMPUTE, OptionalLong.of(12000 * MIB)),
          new GpuProcess(4243, ProcessKind.COMPUTE, OptionalLong.of(8000 * MIB)));
      assertThat(s.temperatureCelsius()).isEqualTo(OptionalInt.of(54));
      assertThat(s.pcie().orElseThrow().txBytesPerSecond()).isEqualTo(OptionalLong.of(1200L * 1024));
      assertThat(s.nvlink().orElseThrow().linkCount()).isEqualTo(4);
      assertThat(fake.calls("nvmlDeviceGetComputeRunningProcesses_v2")).isEqualTo(2);
      assertThat(fake.calls("nvmlDeviceGetTemperature")).isEqualTo(1);
      assertThat(fake.calls("nvmlDeviceGetPcieThroughput")).isEqualTo(2);
    }
  }

  @Test
  void anR418LibraryReadsSixteenByteProcessEntriesAndHasNoFieldsOrEvents() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.R418, 2);
    fake.control.fake_set_processes(0, FakeNvml.GRAPHICS, 1, new int[] {55}, new long[] {300 * MIB});
    try (JnaNvml nvml = fake.open()) {
      assertThat(nvml.unsupportedFeatures()).containsExactlyInAnyOrder(
          NvmlFeature.MEMORY_INFO_V2, NvmlFeature.PROCESS_LIST_V3, NvmlFeature.PROCESS_LIST_V2,
          NvmlFeature.TEMPERATURE_V, NvmlFeature.FIELD_VALUES, NvmlFeature.PCIE_BYTE_COUNTERS,
          NvmlFeature.NVLINK, NvmlFeature.XID_EVENTS);
      assertThat(nvml.processListFlavor()).isEqualTo(ProcessListReader.Flavor.V1);
      DeviceSnapshot s = nvml.snapshot(GPU0);
      assertThat(s.processes()).isEqualTo(List.of(
          new GpuProcess(4242, ProcessKind.COMPUTE, OptionalLong.of(12000 * MIB)),
          new GpuProcess(4243, ProcessKind.COMPUTE, OptionalLong.of(8000 * MIB)),
          new GpuProcess(55, ProcessKind.GRAPHICS, OptionalLong.of(300 * MIB))));
      assertThat(s.nvlink()).isEmpty();
      assertThat(s.pcie().orElseThrow().rxBytesPerSecond()).isEqualTo(OptionalLong.of(3400L * 1024));
      assertThat(nvml.awaitXid(java.time.Duration.ofSeconds(1))).isEmpty();
      assertThat(nvml.snapshot(FakeNvml.uuid(1)).energyMillijoules()).isEqualTo(OptionalLong.of(123_456_789));
      assertThat(fake.calls("nvmlDeviceGetPcieReplayCounter")).as("no field values: by call").isEqualTo(2);
    }
  }

  @Test
  void energyNotSupportedOnEveryDeviceIsAFeatureNoteAndEmptyReadings() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.FULL, 1);
    fake.control.fake_set_return("nvmlDeviceGetTotalEnergyConsumption", -1, 3);
    fake.control.fake_set_field_return(0, 83, 3);
    try (JnaNvml nvml = fake.open()) {
      assertThat(nvml.unsupportedFeatures()).containsExactly(NvmlFeature.ENERGY);
      assertThat(nvml.snapshot(GPU0).energyMillijoules()).isEmpty();
      assertThat(fake.calls("nvmlDeviceGetTotalEnergyConsumption")).as("asked once at open only").isEqualTo(1);
    }
  }
}
