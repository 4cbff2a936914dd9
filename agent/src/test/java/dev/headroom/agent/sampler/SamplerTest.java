package dev.headroom.agent.sampler;

import static dev.headroom.agent.sampler.FakeNvml.GIB;
import static dev.headroom.agent.sampler.FakeNvml.memory;
import static dev.headroom.agent.sampler.FakeNvml.process;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.HostMemoryReport;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.nvml.DeviceSnapshot;
import dev.headroom.nvml.GpuLostException;
import dev.headroom.nvml.NvmlException;
import dev.headroom.nvml.PcieStatus;
import dev.headroom.nvml.Utilization;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SamplerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration TICK = Duration.ofMillis(100);

  private final CollectingSink sink = new CollectingSink();

  private Sampler sampler(FakeNvml nvml, ProcessLabeller labeller, HostMemorySource host) {
    return new Sampler(nvml, "node-1", labeller, host, sink, SamplerSettings.defaults());
  }

  /** Ticks n times at 10 Hz starting at T0 + start ticks. */
  private static void run(Sampler sampler, int fromTick, int ticks) {
    for (int i = fromTick; i < fromTick + ticks; i++) {
      sampler.tick(T0.plus(TICK.multipliedBy(i)));
    }
  }

  @Test
  void aSpikeBetweenTwoReportsReachesTheReportAsItsMax() {
    FakeNvml nvml = new FakeNvml().device("GPU-a", n -> memory("GPU-a", n == 4 ? 70 * GIB : 10 * GIB + n));
    Sampler sampler = sampler(nvml, ProcessLabeller.none(), HostMemorySource.none());

    run(sampler, 0, 11); // ticks at 0.0 … 1.0 s: the tick at 1.0 s closes the first interval

    List<DeviceReport> reports = sink.all(DeviceReport.class);
    assertThat(reports).hasSize(1);
    DeviceReport r = reports.get(0);
    assertThat(r.usedBytes()).isEqualTo(new Stats(10 * GIB, 70 * GIB, 10 * GIB + 10));
    assertThat(r.sampleCount()).isEqualTo(11);
    assertThat(r.state()).isEqualTo(DeviceState.OK);
    assertThat(r.intervalStart()).isEqualTo(T0);
    assertThat(r.at()).isEqualTo(T0.plusSeconds(1));
    assertThat(r.hostname()).isEqualTo("node-1");
    assertThat(r.totalBytes()).isEqualTo(80 * GIB);
    assertThat(r.reservedBytes()).isEqualTo(GIB / 2);
    assertThat(r.peakRatio()).isCloseTo(70.0 / 79.5, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void consecutiveIntervalsDoNotShareSamplesAndFlushEmitsThePartialOne() {
    FakeNvml nvml = new FakeNvml().device("GPU-a", n -> memory("GPU-a", n * GIB / 100));
    Sampler sampler = sampler(nvml, ProcessLabeller.none(), HostMemorySource.none());

    run(sampler, 0, 25); // 0.0 … 2.4 s
    sampler.flush(T0.plusMillis(2450));

    List<DeviceReport> reports = sink.all(DeviceReport.class);
    assertThat(reports).extracting(DeviceReport::sampleCount).containsExactly(11, 10, 4);
    assertThat(reports.get(1).usedBytes()).isEqualTo(new Stats(11 * GIB / 100, 20 * GIB / 100, 20 * GIB / 100));
    assertThat(reports.get(1).intervalStart()).isEqualTo(T0.plusMillis(1100));
    assertThat(reports.get(2).at()).isEqualTo(T0.plusMillis(2450));
    assertThat(reports.get(2).usedBytes().max()).isEqualTo(24 * GIB / 100);
  }

  @Test
  void aFailingDeviceBacksOffWhileTheOthersKeepTheirCadence() {
    // GPU-b fails on its reads 2 to 4 (0-based), then recovers.
    FakeNvml nvml =
        new FakeNvml()
            .device("GPU-a", n -> memory("GPU-a", GIB))
            .device("GPU-b", n -> {
              if (n >= 2 && n <= 4) {
                throw new NvmlException("nvmlDeviceGetMemoryInfo_v2", 999, "Unknown Error");
              }
              return memory("GPU-b", 2 * GIB);
            });
    Sampler sampler = sampler(nvml, ProcessLabeller.none(), HostMemorySource.none());

    run(sampler, 0, 11); // first interval: b fails at 0.2 s, retried at 0.7 s (0.5 s backoff)

    DeviceReport a1 = sink.all(DeviceReport.class).get(0);
    DeviceReport b1 = sink.all(DeviceReport.class).get(1);
    assertThat(a1.sampleCount()).isEqualTo(11);
    assertThat(b1.uuid()).isEqualTo("GPU-b");
    assertThat(b1.state()).isEqualTo(DeviceState.FAILING);
    assertThat(b1.sampleCount()).isEqualTo(2);
    // reads 0, 1 ok; 2 at 0.2 s fails; 3 at 0.7 s fails; next at 1.7 s: 4 attempts by 1.0 s
    assertThat(nvml.attempts("GPU-b")).isEqualTo(4);

    run(sampler, 11, 30); // to 4.0 s: read 4 at 1.7 s fails (next at 3.7 s), read 5 at 3.7 s succeeds

    List<DeviceReport> b = sink.all(DeviceReport.class).stream().filter(r -> r.uuid().equals("GPU-b")).toList();
    assertThat(b).extracting(DeviceReport::state)
        .containsExactly(DeviceState.FAILING, DeviceState.FAILING, DeviceState.FAILING, DeviceState.OK);
    assertThat(b.get(1).sampleCount()).isZero();
    assertThat(b.get(1).usedBytes()).isEqualTo(Stats.of(2 * GIB)); // the last value read, flagged by count 0
    assertThat(b.get(3).sampleCount()).isEqualTo(4); // 3.7, 3.8, 3.9, 4.0 s
    assertThat(sampler.failedReads()).isEqualTo(3);
    assertThat(sink.all(DeviceReport.class).stream().filter(r -> r.uuid().equals("GPU-a")))
        .allSatisfy(r -> assertThat(r.state()).isEqualTo(DeviceState.OK));
  }

  @Test
  void aLostGpuIsNeverReadAgainButStillReported() {
    FakeNvml nvml =
        new FakeNvml()
            .device("GPU-a", n -> {
              if (n == 3) {
                throw new GpuLostException("GPU-a", "nvmlDeviceGetMemoryInfo_v2", "GPU is lost");
              }
              return memory("GPU-a", 5 * GIB);
            })
            .device("GPU-b", n -> memory("GPU-b", GIB));
    Sampler sampler = sampler(nvml, ProcessLabeller.none(), HostMemorySource.none());

    run(sampler, 0, 31);

    assertThat(nvml.attempts("GPU-a")).isEqualTo(4);
    assertThat(nvml.attempts("GPU-b")).isEqualTo(31);
    List<DeviceReport> a = sink.all(DeviceReport.class).stream().filter(r -> r.uuid().equals("GPU-a")).toList();
    assertThat(a).extracting(DeviceReport::state).containsOnly(DeviceState.LOST);
    assertThat(a).extracting(DeviceReport::sampleCount).containsExactly(3, 0, 0);
  }

  @Test
  void processesCarryTheirOwnMinMaxLastAndTheirLabels() {
    FakeNvml nvml =
        new FakeNvml()
            .device("GPU-a", n -> n < 5
                ? memory("GPU-a", 20 * GIB, process(100, 10 * GIB + n * GIB), process(200, GIB))
                : memory("GPU-a", 20 * GIB, process(100, 12 * GIB)));
    ProcessLabeller labeller =
        pid -> pid == 100
            ? new ProcessLabels(Optional.of("python3"), Optional.of("alice"), Optional.of("pod-123"), true)
            : new ProcessLabels(Optional.empty(), Optional.empty(), Optional.empty(), false);
    Sampler sampler = sampler(nvml, labeller, HostMemorySource.none());

    run(sampler, 0, 11);

    List<ProcessReport> processes = sink.all(DeviceReport.class).get(0).processes();
    assertThat(processes).hasSize(2);
    ProcessReport trainer = processes.get(0);
    assertThat(trainer.pid()).isEqualTo(100);
    assertThat(trainer.usedBytes()).isEqualTo(new Stats(10 * GIB, 14 * GIB, 12 * GIB));
    assertThat(trainer.name()).contains("python3");
    assertThat(trainer.containerId()).contains("pod-123");
    ProcessReport dead = processes.get(1);
    assertThat(dead.pid()).isEqualTo(200);
    assertThat(dead.alive()).isFalse();
    assertThat(dead.usedBytes()).isEqualTo(Stats.of(GIB));
  }

  @Test
  void optionalQuantitiesAreEmptyWhenTheDriverNeverGaveThem() {
    FakeNvml nvml =
        new FakeNvml()
            .device("GPU-a", n -> memory("GPU-a", GIB))
            .device("GPU-b", n -> new DeviceSnapshot(
                "GPU-b",
                Instant.EPOCH,
                memory("GPU-b", GIB).memory(),
                Optional.empty(),
                List.of(),
                Optional.of(new Utilization(40 + n, 10)),
                Optional.of(new PcieStatus(
                    n == 0 ? OptionalLong.empty() : OptionalLong.of(1_000_000L * n),
                    OptionalLong.empty(),
                    OptionalInt.of(4), OptionalInt.of(4), OptionalInt.of(16), OptionalInt.of(16),
                    OptionalLong.empty())),
                Optional.empty(),
                OptionalInt.of(60),
                OptionalLong.of(300_000),
                OptionalLong.empty()));
    Sampler sampler = sampler(nvml, ProcessLabeller.none(), HostMemorySource.none());

    run(sampler, 0, 11);

    DeviceReport a = sink.all(DeviceReport.class).get(0);
    DeviceReport b = sink.all(DeviceReport.class).get(1);
    assertThat(a.gpuUtilizationPercent()).isEmpty();
    assertThat(a.temperatureCelsius()).isEmpty();
    assertThat(a.powerMilliwatts()).isEmpty();
    assertThat(b.gpuUtilizationPercent()).contains(new Stats(40, 50, 50));
    assertThat(b.pcieTxBytesPerSecond()).contains(new Stats(1_000_000, 10_000_000, 10_000_000));
    assertThat(b.pcieRxBytesPerSecond()).isEmpty();
    assertThat(b.nvlinkTxBytesPerSecond()).isEmpty();
    assertThat(b.temperatureCelsius()).contains(Stats.of(60));
    assertThat(b.powerMilliwatts()).contains(Stats.of(300_000));
  }

  @Test
  void hostMemoryIsReadOncePerReportInterval() {
    FakeNvml nvml = new FakeNvml().device("GPU-a", n -> memory("GPU-a", GIB));
    int[] reads = {0};
    HostMemorySource host = (hostname, at) -> {
      reads[0]++;
      return Optional.of(new HostMemoryReport(hostname, at, 512 * GIB, 100 * GIB, 8 * GIB, 0));
    };
    Sampler sampler = sampler(nvml, ProcessLabeller.none(), host);

    run(sampler, 0, 31);

    assertThat(reads[0]).isEqualTo(3);
    assertThat(sink.all(HostMemoryReport.class))
        .extracting(HostMemoryReport::at)
        .containsExactly(T0.plusSeconds(1), T0.plusSeconds(2), T0.plusSeconds(3));
  }
}
