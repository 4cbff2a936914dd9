package dev.headroom.protocol.wire;

import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.HostMemoryReport;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.analyzer.model.XidObservation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** One of every observation, with every optional field both present and absent. */
public final class SampleObservations {
  static final Instant T0 = Instant.parse("2026-12-01T08:00:00.123456789Z");
  private static final long GIB = 1L << 30;

  private SampleObservations() {}

  public static DeviceReport fullDeviceReport() {
    return new DeviceReport(
        "node-7", "GPU-1f2e3d4c-0000-1111-2222-333344445555", 3, "NVIDIA H100 80GB HBM3",
        T0.minusSeconds(1), T0, 10, DeviceState.OK, 80 * GIB, 512L << 20,
        new Stats(60 * GIB, 71 * GIB, 65 * GIB),
        List.of(
            new ProcessReport(4242, Optional.of("python"), Optional.of("alice"),
                Optional.of("kubepods-pod1234"), new Stats(59 * GIB, 70 * GIB, 64 * GIB), true),
            new ProcessReport(99, Optional.empty(), Optional.empty(), Optional.empty(),
                Stats.of(GIB), false)),
        Optional.of(new Stats(80, 100, 97)),
        Optional.of(new Stats(1_000, 9_000_000_000L, 5_000)),
        Optional.of(Stats.of(0)),
        Optional.of(new Stats(0, 450_000_000_000L, 1)),
        Optional.of(Stats.of(7)),
        Optional.of(new Stats(-5, 83, 71)),
        Optional.of(new Stats(90_000, 700_000, 650_000)));
  }

  public static DeviceReport bareDeviceReport() {
    return new DeviceReport(
        "", "GPU-lost", 0, "", T0, T0, 0, DeviceState.LOST, 0, 0, Stats.of(0), List.of(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  public static DeviceReport deviceReport(Instant at, long usedBytes) {
    return new DeviceReport(
        "node-1", "GPU-aaaa", 0, "sim", at.minusSeconds(1), at, 10, DeviceState.OK, 80 * GIB, 0,
        new Stats(usedBytes - 1000, usedBytes + 1000, usedBytes), List.of(),
        Optional.of(Stats.of(90)), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  public static List<Observation> all() {
    return List.of(
        fullDeviceReport(),
        bareDeviceReport(),
        new XidObservation("node-7", "GPU-1", 79, T0),
        new AllocatorSample(T0, 4242, 1, Optional.of("GPU-1"), 10 * GIB, 12 * GIB, 14 * GIB,
            15 * GIB, 11 * GIB, 3 * GIB, OptionalLong.of(GIB), 2, 1),
        new AllocatorSample(T0, 4242, 0, Optional.empty(), 0, 0, 0, 0, 0, 0, OptionalLong.empty(), 0, 0),
        new StepMark(T0, 4242, 1_000_000, "eval"),
        new RunSpecDeclared(T0, "run-42", 0, "{\"model\":\"llama\",\"batch\":8,\"ünï\":\"ç\"}"),
        new HostMemoryReport("node-7", Instant.parse("1970-01-01T00:00:00Z").minusNanos(1),
            512 * GIB, 100 * GIB, 0, 0));
  }
}
