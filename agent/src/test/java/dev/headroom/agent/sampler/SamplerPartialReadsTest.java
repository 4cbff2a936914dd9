package dev.headroom.agent.sampler;

import static dev.headroom.agent.sampler.FakeNvml.GIB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.nvml.DeviceSnapshot;
import dev.headroom.nvml.GpuProcess;
import dev.headroom.nvml.NvmlException;
import dev.headroom.nvml.ReadingFailure;
import dev.headroom.nvml.Utilization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Snapshots that have memory but lack another reading: recorded, counted, and logged once per change. */
class SamplerPartialReadsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration TICK = Duration.ofMillis(100);
  private static final String UTILIZATION = "nvmlDeviceGetUtilizationRates";
  private static final String POWER = "nvmlDeviceGetPowerUsage";

  private final CollectingSink sink = new CollectingSink();
  private final List<String> transitions = new ArrayList<>();

  private final ReadingTransitions recorder = new ReadingTransitions() {
    @Override
    public void startedFailing(String uuid, ReadingFailure failure) {
      transitions.add(uuid + " failing " + failure.message());
    }

    @Override
    public void workingAgain(String uuid, String function, long failedSnapshots) {
      transitions.add(uuid + " working " + function + " after " + failedSnapshots);
    }
  };

  private Sampler sampler(FakeNvml nvml) {
    return new Sampler(nvml, "node-1", ProcessLabeller.none(), HostMemorySource.none(), sink,
        SamplerSettings.defaults(), recorder);
  }

  private static void run(Sampler sampler, int fromTick, int ticks) {
    for (int i = fromTick; i < fromTick + ticks; i++) {
      sampler.tick(T0.plus(TICK.multipliedBy(i)));
    }
  }

  private static ReadingFailure failure(String function, int code, String nvmlMessage) {
    return new ReadingFailure(function, code, function + " returned " + code + " (" + nvmlMessage + ")");
  }

  /** Memory, one process, utilization and power unless {@code failures} name them. */
  private static DeviceSnapshot snapshot(String uuid, long usedBytes, int utilizationPercent,
      ReadingFailure... failures) {
    List<ReadingFailure> failed = List.of(failures);
    boolean utilizationFailed = failed.stream().anyMatch(f -> f.function().equals(UTILIZATION));
    boolean powerFailed = failed.stream().anyMatch(f -> f.function().equals(POWER));
    return new DeviceSnapshot(uuid, Instant.EPOCH,
        FakeNvml.memory(uuid, usedBytes).memory(),
        Optional.empty(),
        List.of(new GpuProcess(100, GpuProcess.ProcessKind.COMPUTE, OptionalLong.of(usedBytes))),
        utilizationFailed ? Optional.empty() : Optional.of(new Utilization(utilizationPercent, 10)),
        Optional.empty(),
        Optional.empty(),
        OptionalInt.empty(),
        powerFailed ? OptionalLong.empty() : OptionalLong.of(300_000),
        OptionalLong.empty(),
        failed);
  }

  @Test
  void aPartialSnapshotIsASuccessfulReadWhoseMemoryIsRecordedAndCounted() {
    // Reads 2 to 7 lack utilization; memory peaks at read 5, in the middle of them.
    FakeNvml nvml = new FakeNvml().device("GPU-a", n -> n >= 2 && n <= 7
        ? snapshot("GPU-a", n == 5 ? 70 * GIB : 10 * GIB, 0, failure(UTILIZATION, 999, "Unknown Error"))
        : snapshot("GPU-a", 10 * GIB, 50 + n));
    Sampler sampler = sampler(nvml);

    run(sampler, 0, 11);

    DeviceReport r = sink.all(DeviceReport.class).get(0);
    assertThat(r.state()).isEqualTo(DeviceState.OK);
    assertThat(r.sampleCount()).isEqualTo(11);
    assertThat(r.usedBytes()).isEqualTo(new Stats(10 * GIB, 70 * GIB, 10 * GIB));
    // Utilization only from the reads that had it (0, 1, 8, 9, 10): never a made-up zero.
    assertThat(r.gpuUtilizationPercent()).contains(new Stats(50, 60, 60));
    assertThat(r.processes()).singleElement().satisfies(p -> assertThat(p.usedBytes().max()).isEqualTo(70 * GIB));
    assertThat(sampler.reads()).isEqualTo(11);
    assertThat(sampler.partialReads()).isEqualTo(6);
    assertThat(sampler.failedReads()).isZero();
    assertThat(nvml.attempts("GPU-a")).as("a partial read causes no backoff").isEqualTo(11);
  }

  @Test
  void eachFailingFunctionIsToldOnceWhenItStartsAndOnceWhenItWorksAgain() {
    // Utilization fails in reads 1 to 5, power in reads 3 to 8; GPU-b never fails.
    FakeNvml nvml = new FakeNvml()
        .device("GPU-a", n -> {
          List<ReadingFailure> failures = new ArrayList<>();
          if (n >= 1 && n <= 5) {
            failures.add(failure(UTILIZATION, 999, "Unknown Error"));
          }
          if (n >= 3 && n <= 8) {
            failures.add(failure(POWER, 10, "Timeout"));
          }
          return snapshot("GPU-a", GIB, 40, failures.toArray(ReadingFailure[]::new));
        })
        .device("GPU-b", n -> snapshot("GPU-b", GIB, 40));
    Sampler sampler = sampler(nvml);

    run(sampler, 0, 12);

    assertThat(transitions).containsExactly(
        "GPU-a failing nvmlDeviceGetUtilizationRates returned 999 (Unknown Error)",
        "GPU-a failing nvmlDeviceGetPowerUsage returned 10 (Timeout)",
        "GPU-a working nvmlDeviceGetUtilizationRates after 5",
        "GPU-a working nvmlDeviceGetPowerUsage after 6");
    assertThat(sampler.partialReads()).isEqualTo(8); // reads 1 to 8 of GPU-a
    assertThat(sampler.reads()).isEqualTo(24);
  }

  @Test
  void aReadThatFailsWhollyNeitherEndsNorRestartsAStreak() {
    // Read 1 lacks utilization, read 2 fails on memory (backoff: read 3 comes 0.5 s later), read 3
    // still lacks utilization, read 4 has it.
    FakeNvml nvml = new FakeNvml().device("GPU-a", n -> {
      if (n == 2) {
        throw new NvmlException("nvmlDeviceGetMemoryInfo_v2", 999, "Unknown Error");
      }
      return n == 1 || n == 3
          ? snapshot("GPU-a", GIB, 0, failure(UTILIZATION, 999, "Unknown Error"))
          : snapshot("GPU-a", GIB, 40);
    });
    Sampler sampler = sampler(nvml);

    run(sampler, 0, 12);

    assertThat(nvml.attempts("GPU-a")).isGreaterThan(4);
    assertThat(transitions).containsExactly(
        "GPU-a failing nvmlDeviceGetUtilizationRates returned 999 (Unknown Error)",
        "GPU-a working nvmlDeviceGetUtilizationRates after 2");
    assertThat(sampler.failedReads()).isEqualTo(1);
    assertThat(sampler.partialReads()).isEqualTo(2);
  }

  @Test
  void twoCodesOfOneFunctionInOneSnapshotAreOneStreak() {
    FailingReadings failing = new FailingReadings("GPU-a", recorder);
    String fields = "nvmlDeviceGetFieldValues";
    failing.update(List.of(failure(fields, 999, "Unknown Error"), failure(fields, 10, "Timeout")));
    failing.update(List.of(failure(fields, 10, "Timeout")));
    assertThat(failing.functions()).containsExactly(fields);
    failing.update(List.of());
    failing.update(List.of());

    assertThat(transitions).containsExactly(
        "GPU-a failing nvmlDeviceGetFieldValues returned 999 (Unknown Error)",
        "GPU-a working nvmlDeviceGetFieldValues after 2");
    assertThat(failing.functions()).isEmpty();
  }
}
