package dev.headroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.nvml.DeviceInfo;
import dev.headroom.nvml.DeviceSnapshot;
import dev.headroom.nvml.MemoryReading;
import dev.headroom.nvml.ReadingFailure;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What `headroom devices` prints for a snapshot that lacks some readings. */
class DeviceReadoutFormatTest {
  private static final long GIB = 1L << 30;

  private static DeviceReadout readout(List<ReadingFailure> failed) {
    DeviceInfo info = new DeviceInfo("GPU-1", 0, "NVIDIA H100 80GB HBM3", "00000000:01:00.0", 80 * GIB);
    DeviceSnapshot s = new DeviceSnapshot("GPU-1", Instant.parse("2026-12-01T10:00:00Z"),
        new MemoryReading(80 * GIB, GIB, 40 * GIB, 39 * GIB), Optional.empty(), List.of(), Optional.empty(),
        Optional.empty(), Optional.empty(), OptionalInt.empty(), OptionalLong.empty(), OptionalLong.empty(), failed);
    return new DeviceReadout(List.of(new DeviceReadout.HostReadout("node-1",
        List.of(new DeviceReadout.Gpu(info, Optional.of(s), Optional.empty(), List.of())), List.of())));
  }

  @Test
  void aPartialSnapshotShowsItsMemoryAndSaysWhatCouldNotBeRead() throws Exception {
    List<ReadingFailure> failed = List.of(
        new ReadingFailure("nvmlDeviceGetComputeRunningProcesses_v3", 999,
            "nvmlDeviceGetComputeRunningProcesses_v3 returned 999 (Unknown Error)"));
    List<String> text = DeviceReadoutFormat.text(readout(failed), "");
    assertThat(text.get(1)).contains("40.00 /  79.00 GiB");
    assertThat(text).contains("        unread: nvmlDeviceGetComputeRunningProcesses_v3 returned 999 (Unknown Error)");
    JsonNode json = new ObjectMapper().readTree(DeviceReadoutFormat.json(readout(failed)).get(0));
    assertThat(json.get("state").asText()).isEqualTo("ok");
    assertThat(json.get("failedReadings").get(0).get("returnCode").asInt()).isEqualTo(999);
    assertThat(json.get("failedReadings").get(0).get("function").asText())
        .isEqualTo("nvmlDeviceGetComputeRunningProcesses_v3");
  }

  @Test
  void aCompleteSnapshotHasNoFailureLinesOrKey() throws Exception {
    assertThat(DeviceReadoutFormat.text(readout(List.of()), "")).noneMatch(l -> l.contains("unread"));
    assertThat(new ObjectMapper().readTree(DeviceReadoutFormat.json(readout(List.of())).get(0)).has("failedReadings"))
        .isFalse();
  }
}
