package dev.headroom.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.nvml.GpuProcess.ProcessKind;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The count-then-fill protocol, the entry layouts of every driver generation, and the merge. */
class ProcessListTest {

  static final long MIB = 1L << 20;
  static final String GPU0 = FakeNvml.uuid(0);

  static void setProcesses(FakeNvml fake, int kind, int[] pids, long[] memory) {
    fake.control.fake_set_processes(0, kind, pids.length, pids, memory);
  }

  @Test
  void theFirstReadCountsThenFillsAndLaterReadsReuseTheBuffer() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.FULL, 1);
    try (JnaNvml nvml = fake.open()) {
      nvml.snapshot(GPU0);
      assertThat(fake.calls("nvmlDeviceGetComputeRunningProcesses_v3")).as("count, then fill").isEqualTo(2);
      assertThat(nvml.readerFor(GPU0).computeListCapacity()).as("2n + 5 for n = 2").isEqualTo(9);
      nvml.snapshot(GPU0);
      assertThat(fake.calls("nvmlDeviceGetComputeRunningProcesses_v3")).as("one call when the buffer fits").isEqualTo(3);
      // An empty graphics list answers SUCCESS to the count call: one call per snapshot.
      assertThat(fake.calls("nvmlDeviceGetGraphicsRunningProcesses_v3")).isEqualTo(2);
    }
  }

  @Test
  void processesStartingBetweenCountAndFillFitTheMargin() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.FULL, 1);
    fake.control.fake_grow_processes_after_count(0, FakeNvml.COMPUTE, 3, 1, 9000, 64 * MIB);
    try (JnaNvml nvml = fake.open()) {
      assertThat(nvml.snapshot(GPU0).processes()).extracting(GpuProcess::pid)
          .containsExactly(4242L, 4243L, 9000L, 9001L, 9002L);
      assertThat(fake.calls("nvmlDeviceGetComputeRunningProcesses_v3")).isEqualTo(2);
    }
  }

  @Test
  void aListThatOutgrowsTheMarginIsAskedAgainWithTheNewCount() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.FULL, 1);
    fake.control.fake_grow_processes_after_count(0, FakeNvml.COMPUTE, 20, 2, 9000, 64 * MIB);
    try (JnaNvml nvml = fake.open()) {
      List<GpuProcess> processes = nvml.snapshot(GPU0).processes();
      assertThat(processes).hasSize(42);
      assertThat(processes.get(41)).isEqualTo(new GpuProcess(9039, ProcessKind.COMPUTE, OptionalLong.of(64 * MIB)));
      // count (2 -> grows to 22), fill with 9 (too small, 22 -> 42), fill with 49.
      assertThat(fake.calls("nvmlDeviceGetComputeRunningProcesses_v3")).isEqualTo(3);
      assertThat(nvml.readerFor(GPU0).computeListCapacity()).isEqualTo(2 * 22 + 5);
    }
  }

  @Test
  void aListThatKeepsGrowingGivesUpWithAClearFailureInTheSnapshot() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.FULL, 1);
    // A driver that answers INSUFFICIENT_SIZE however large the buffer gets.
    fake.control.fake_set_return("nvmlDeviceGetComputeRunningProcesses_v3", 0, 7);
    try (JnaNvml nvml = fake.open()) {
      DeviceSnapshot s = nvml.snapshot(GPU0);
      assertThat(s.processes()).isEmpty();
      assertThat(s.failedReadings()).singleElement().satisfies(f -> {
        assertThat(f.function()).isEqualTo("nvmlDeviceGetComputeRunningProcesses_v3");
        assertThat(f.returnCode()).isEqualTo(7);
        assertThat(f.message()).contains("kept growing over 4 attempts");
      });
      assertThat(fake.calls("nvmlDeviceGetComputeRunningProcesses_v3")).isEqualTo(ProcessListReader.MAX_ATTEMPTS);
    }
  }

  @Test
  void aProcessInBothListsAppearsOnceWithTheLargerFigure() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.FULL, 1);
    setProcesses(fake, FakeNvml.GRAPHICS, new int[] {4243, 77}, new long[] {9000 * MIB, -1L});
    try (JnaNvml nvml = fake.open()) {
      assertThat(nvml.snapshot(GPU0).processes()).containsExactly(
          new GpuProcess(4242, ProcessKind.COMPUTE, OptionalLong.of(12000 * MIB)),
          new GpuProcess(4243, ProcessKind.COMPUTE_AND_GRAPHICS, OptionalLong.of(9000 * MIB)),
          // NVML_VALUE_NOT_AVAILABLE: the driver cannot say (Windows WDDM).
          new GpuProcess(77, ProcessKind.GRAPHICS, OptionalLong.empty()));
    }
  }

  @Test
  void pidsAreUnsigned() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.FULL, 1);
    setProcesses(fake, FakeNvml.COMPUTE, new int[] {0x8000_0001}, new long[] {MIB});
    try (JnaNvml nvml = fake.open()) {
      assertThat(nvml.snapshot(GPU0).processes()).extracting(GpuProcess::pid).containsExactly(0x8000_0001L);
    }
  }

  @Test
  void earlyR535DriversWriteThirtyTwoByteEntriesAndAreReadAsSuch() throws Exception {
    FakeNvml fake = FakeNvml.reset(FakeNvml.Variant.R535_EARLY, 1);
    setProcesses(fake, FakeNvml.COMPUTE, new int[] {101, 102, 103}, new long[] {1 * MIB, 2 * MIB, 3 * MIB});
    try (JnaNvml nvml = fake.open()) {
      assertThat(nvml.processListFlavor()).isEqualTo(ProcessListReader.Flavor.V3_R535_EARLY);
      // Read with the 24-byte stride these would come out as pid/memory garbage (the bug in the wild).
      assertThat(nvml.snapshot(GPU0).processes()).containsExactly(
          new GpuProcess(101, ProcessKind.COMPUTE, OptionalLong.of(MIB)),
          new GpuProcess(102, ProcessKind.COMPUTE, OptionalLong.of(2 * MIB)),
          new GpuProcess(103, ProcessKind.COMPUTE, OptionalLong.of(3 * MIB)));
    }
  }

  @Test
  void theR535RuleNeedsConfComputeWithoutTheDetailList() throws Exception {
    FakeNvml full = FakeNvml.reset(FakeNvml.Variant.FULL, 1);
    try (JnaNvml nvml = full.open()) {
      assertThat(nvml.processListFlavor()).as("exports both symbols: a fixed driver").isEqualTo(ProcessListReader.Flavor.V3);
    }
  }
}
