package dev.headroom.collector.testing;

import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.collector.AgentIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Builds the observations agents send, for collector tests. */
public final class Observations {
  public static final long GIB = 1024L * 1024 * 1024;
  public static final long MIB = 1024L * 1024;
  public static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

  private Observations() {}

  public static AgentIdentity agent(String hostname) {
    return new AgentIdentity("agent-" + hostname, "boot-1", hostname, "test");
  }

  /**
   * A 5-second report of an 80 GiB GPU (1 GiB driver-reserved) with the given used-memory stats and
   * processes, each holding an equal share of the last used value.
   */
  public static DeviceReport report(
      String host, String uuid, int index, Instant at, Stats used, long... pids) {
    long lastUsed = used.last();
    List<ProcessReport> processes =
        Arrays.stream(pids)
            .mapToObj(
                pid ->
                    new ProcessReport(
                        pid,
                        Optional.of("python"),
                        Optional.of("trainer"),
                        Optional.empty(),
                        Stats.of(lastUsed / pids.length),
                        true))
            .toList();
    return new DeviceReport(
        host,
        uuid,
        index,
        "NVIDIA H100 80GB HBM3",
        at.minus(Duration.ofSeconds(5)),
        at,
        50,
        DeviceState.OK,
        80 * GIB,
        GIB,
        used,
        processes,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** A report whose used memory stayed at one value. */
  public static DeviceReport report(String host, String uuid, int index, Instant at, long used, long... pids) {
    return report(host, uuid, index, at, Stats.of(used), pids);
  }

  public static AllocatorSample allocator(
      Instant at, long pid, int cudaDevice, Optional<String> uuid, long allocated, long reserved) {
    return new AllocatorSample(
        at, pid, cudaDevice, uuid, allocated, allocated, reserved, reserved, allocated, 0,
        OptionalLong.empty(), 0, 0);
  }
}
