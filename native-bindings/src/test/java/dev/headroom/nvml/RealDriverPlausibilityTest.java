package dev.headroom.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Thin plausibility checks against the real driver: run with {@code -Pgpu} on a machine with an
 * NVIDIA GPU; skipped (not failed) where libnvidia-ml.so.1 cannot be opened. They check what the
 * fake library cannot: that the real ABI gives sane numbers through the same code.
 */
@Tag("gpu")
class RealDriverPlausibilityTest {

  static JnaNvml nvml;
  static String whyNot;

  @BeforeAll
  static void openRealDriver() {
    try {
      nvml = JnaNvml.open(LibraryLocation.resolve(Optional.empty(), System.getenv()), Clock.systemUTC(),
          DriverPresence::probe);
    } catch (NvmlException e) {
      whyNot = e.getMessage();
    }
  }

  @AfterAll
  static void close() {
    if (nvml != null) {
      nvml.close();
    }
  }

  static JnaNvml driver() {
    assumeTrue(nvml != null, () -> "no usable NVIDIA driver: " + whyNot);
    assumeTrue(!nvml.devices().isEmpty(), "the driver sees no GPU");
    return nvml;
  }

  @Test
  void versionsAndIdentityLookReal() {
    JnaNvml n = driver();
    assertThat(n.driver().driverVersion()).matches("\\d+\\.\\d+(\\.\\d+)?");
    assertThat(n.driver().nvmlVersion()).contains(n.driver().driverVersion());
    for (DeviceInfo d : n.devices()) {
      assertThat(d.uuid()).startsWith("GPU-");
      assertThat(d.name()).startsWith("NVIDIA");
      assertThat(d.pciBusId()).matches("[0-9A-F]{8}:[0-9A-F]{2}:[0-9A-F]{2}\\.0");
      assertThat(d.totalMemoryBytes()).isGreaterThan(1L << 30);
    }
  }

  @Test
  void memoryAddsUpAndTheReservedPartIsSmall() throws Exception {
    JnaNvml n = driver();
    for (DeviceInfo d : n.devices()) {
      MemoryReading m = n.snapshot(d.uuid()).memory();
      assertThat(m.totalBytes()).isEqualTo(d.totalMemoryBytes());
      long sum = m.usedBytes() + m.freeBytes() + m.reservedBytes();
      assertThat((double) Math.abs(sum - m.totalBytes()) / m.totalBytes()).as("used + free + reserved ≈ total")
          .isLessThan(0.02);
      assertThat(m.reservedBytes()).isLessThan(m.totalBytes() / 10);
      assertThat(m.usedRatio()).isBetween(0.0, 1.0);
    }
  }

  @Test
  void processesHaveRealPidsAndSaneMemory() throws Exception {
    JnaNvml n = driver();
    for (DeviceInfo d : n.devices()) {
      for (GpuProcess p : n.snapshot(d.uuid()).processes()) {
        // The R535 trap shows up as pid 4294967295 or swapped pid/memory.
        assertThat(p.pid()).isBetween(1L, 1L << 22);
        p.usedGpuMemoryBytes().ifPresent(used -> assertThat(used).isBetween(0L, d.totalMemoryBytes()));
      }
    }
  }

  @Test
  void sensorsAndRatesAreInPhysicalRanges() throws Exception {
    JnaNvml n = driver();
    String uuid = n.devices().get(0).uuid();
    n.snapshot(uuid);
    Thread.sleep(200); // real hardware needs real time between two counter readings
    DeviceSnapshot s = n.snapshot(uuid);
    s.temperatureCelsius().ifPresent(t -> assertThat(t).isBetween(5, 110));
    s.powerMilliwatts().ifPresent(p -> assertThat(p).isBetween(1_000L, 2_000_000L));
    s.energyMillijoules().ifPresent(e -> assertThat(e).isPositive());
    s.utilization().ifPresent(u -> assertThat(u.gpuPercent()).isBetween(0, 100));
    s.pcie().ifPresent(p -> {
      p.currentLinkGeneration().ifPresent(g -> assertThat(g).isBetween(1, 7));
      p.maxLinkWidth().ifPresent(w -> assertThat(w).isBetween(1, 32));
      p.txBytesPerSecond().ifPresent(tx -> assertThat(tx).isBetween(0L, 512L << 30));
    });
    s.nvlink().ifPresent(l -> {
      assertThat(l.linkCount()).isBetween(1, 64);
      l.txBytesPerSecond().ifPresent(tx -> assertThat(tx).isBetween(0L, 2L << 40));
    });
    assertThat(n.modes(uuid)).isPresent();
  }

  @Test
  void waitingForXidEventsTimesOutQuietlyOnAHealthyGpu() throws Exception {
    JnaNvml n = driver();
    assertThat(n.awaitXid(Duration.ofMillis(50))).isEmpty();
  }
}
