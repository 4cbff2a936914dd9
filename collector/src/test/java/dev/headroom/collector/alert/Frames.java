package dev.headroom.collector.alert;

import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.collector.AgentIdentity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Observations as an agent on node-1 would ship them, for an 80 GiB GPU with nothing reserved. */
final class Frames {
  static final long GIB = 1L << 30;
  static final long TOTAL = 80 * GIB;
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final AgentIdentity AGENT = new AgentIdentity("agent-a", "boot-1", "node-1", "0.1.0");

  private Frames() {}

  /** A 1-second report ending {@code second} seconds after T0 whose peak is {@code ratio} of usable. */
  static DeviceReport report(String uuid, int index, int second, double ratio) {
    long max = (long) (ratio * TOTAL);
    Instant end = T0.plusSeconds(second);
    return new DeviceReport(
        "node-1", uuid, index, "Test GPU", end.minusSeconds(1), end, 10, DeviceState.OK, TOTAL, 0,
        new Stats(max / 2, max, max / 2), List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  static AllocatorSample allocator(int second, int cudaDevice, long retries) {
    return new AllocatorSample(
        T0.plusSeconds(second), 77, cudaDevice, Optional.empty(), 30 * GIB, 30 * GIB, 31 * GIB, 31 * GIB,
        30 * GIB, GIB, OptionalLong.empty(), retries, 0);
  }
}
