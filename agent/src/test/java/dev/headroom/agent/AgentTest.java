package dev.headroom.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.agent.sampler.CollectingSink;
import dev.headroom.agent.sampler.SamplerSettings;
import dev.headroom.agent.sampler.SimulationTimeClock;
import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.nvml.DeviceInfo;
import dev.headroom.nvml.DeviceSnapshot;
import dev.headroom.nvml.DriverInfo;
import dev.headroom.nvml.Nvml;
import dev.headroom.nvml.NvmlException;
import dev.headroom.nvml.NvmlFeature;
import dev.headroom.nvml.ReadingFailure;
import dev.headroom.nvml.SkippedDevice;
import dev.headroom.nvml.XidEvent;
import dev.headroom.nvml.sim.CompressedClock;
import dev.headroom.nvml.sim.ScenarioLoader;
import dev.headroom.nvml.sim.SimulatedNvml;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The assembled agent over the simulator, on real sockets and threads, for well under a second. */
class AgentTest {
  private static final String SCENARIO = """
      name: agent-test
      seed: 3
      hosts:
        - name: node-a
          devices:
            - type: H100_80GB_SXM
              count: 2
              processes:
                - pid: 4242
                  memory:
                    - constant: {bytes: 10GiB}
                    - sawtooth: {period: 2s, amplitude: 4GiB}
                  run:
                    id: run-7
                    spec: {model: llama-3-8b}
      """;

  /** A sink that records whether it was closed, and what it had seen by then. */
  private static final class ClosingSink extends CollectingSink implements AutoCloseable {
    final AtomicBoolean closed = new AtomicBoolean();
    volatile int reportsAtClose = -1;

    @Override
    public void close() {
      reportsAtClose = all(DeviceReport.class).size();
      closed.set(true);
    }
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The simulator, except that utilization answers UNKNOWN on every read of every device. */
  private record UtilizationUnknown(SimulatedNvml sim) implements Nvml {
    @Override
    public DeviceSnapshot snapshot(String uuid) throws NvmlException {
      DeviceSnapshot s = sim.snapshot(uuid);
      return new DeviceSnapshot(s.uuid(), s.timestamp(), s.memory(), s.bar1(), s.processes(), Optional.empty(),
          s.pcie(), s.nvlink(), s.temperatureCelsius(), s.powerMilliwatts(), s.energyMillijoules(),
          List.of(new ReadingFailure("nvmlDeviceGetUtilizationRates", 999,
              "nvmlDeviceGetUtilizationRates returned 999 (Unknown Error)")));
    }

    @Override
    public DriverInfo driver() {
      return sim.driver();
    }

    @Override
    public List<DeviceInfo> devices() {
      return sim.devices();
    }

    @Override
    public List<SkippedDevice> skippedDevices() {
      return sim.skippedDevices();
    }

    @Override
    public Set<NvmlFeature> unsupportedFeatures() {
      return sim.unsupportedFeatures();
    }

    @Override
    public Optional<XidEvent> awaitXid(Duration timeout) throws NvmlException {
      return sim.awaitXid(timeout);
    }

    @Override
    public void close() {
      sim.close();
    }
  }

  @Test
  void partialSnapshotsStillReportMemoryAndAreCountedOnTheMetricsEndpoint() throws Exception {
    CompressedClock simTime = new CompressedClock(InstantSource.system(), 20, Duration.ofMinutes(1));
    SimulatedNvml sim = SimulatedNvml.open(ScenarioLoader.parse(SCENARIO, "inline", false), "node-a", simTime);
    CollectingSink sink = new CollectingSink();
    Agent agent = Agent.builder(new UtilizationUnknown(sim), new SimulationTimeClock(simTime))
        .hostname("node-a")
        .sampler(SamplerSettings.of(200, Duration.ofSeconds(1)))
        .sink(sink)
        .metricsAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .start();
    try {
      List<DeviceReport> reports = sink.await(DeviceReport.class, 2, 10_000);
      assertThat(reports).allSatisfy(r -> {
        assertThat(r.sampleCount()).isPositive();
        assertThat(r.usedBytes().max()).isGreaterThan(10L << 30);
        assertThat(r.gpuUtilizationPercent()).isEmpty();
      });
      String metrics = send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + agent.metricsPort().getAsInt() + "/metrics")).GET().build()).body();
      String partialLine = metrics.lines()
          .filter(l -> l.startsWith("headroom_agent_device_partial_reads_total ")).findFirst().orElseThrow();
      assertThat(Double.parseDouble(partialLine.substring(partialLine.indexOf(' ') + 1))).isPositive();
    } finally {
      agent.close();
    }
    // Every read was partial, none failed: memory was recorded each time.
    assertThat(agent.sampler().partialReads()).isEqualTo(agent.sampler().reads()).isPositive();
    assertThat(agent.sampler().failedReads()).isZero();
  }

  @Test
  void samplesReportsServesMetricsAcceptsPostsAndFlushesOnClose() throws Exception {
    // 20x compressed simulated time: a 1 s simulated report interval every 50 ms of wall time.
    CompressedClock simTime = new CompressedClock(InstantSource.system(), 20, Duration.ofMinutes(1));
    SimulatedNvml nvml = SimulatedNvml.open(ScenarioLoader.parse(SCENARIO, "inline", false), "node-a", simTime);
    ClosingSink sink = new ClosingSink();

    Agent agent = Agent.builder(nvml, new SimulationTimeClock(simTime))
        .hostname("node-a")
        .sampler(SamplerSettings.of(200, Duration.ofSeconds(1)))
        .sink(sink)
        .reporterPort(0)
        .metricsAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .simulatedRuns(nvml.runs(), Duration.ofMillis(500))
        .start();
    try {
      List<DeviceReport> reports = sink.await(DeviceReport.class, 4, 10_000);
      assertThat(reports).hasSizeGreaterThanOrEqualTo(4);
      assertThat(reports).extracting(DeviceReport::uuid).containsAll(nvml.devices().stream().map(d -> d.uuid()).toList());
      assertThat(reports.get(0).usedBytes().max()).isGreaterThan(10L << 30);
      assertThat(sink.await(RunSpecDeclared.class, 2, 5_000)).extracting(RunSpecDeclared::runId).containsOnly("run-7");
      assertThat(sink.await(AllocatorSample.class, 2, 5_000)).isNotEmpty();

      HttpResponse<String> post = send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + agent.reporterPort().getAsInt() + "/v1/step"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"pid\":9,\"step\":77,\"phase\":\"eval\"}")).build());
      assertThat(post.statusCode()).isEqualTo(202);
      assertThat(sink.all(StepMark.class)).anySatisfy(s -> assertThat(s.step()).isEqualTo(77));

      String metrics = send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + agent.metricsPort().getAsInt() + "/metrics")).GET().build()).body();
      assertThat(metrics).contains("headroom_gpu_memory_used_max_bytes{gpu_uuid=\"" + nvml.devices().get(0).uuid() + "\"}");
      assertThat(metrics).contains("headroom_training_step{phase=\"eval\",pid=\"9\"} 77.0");
      assertThat(metrics).contains("headroom_agent_reporter_posts_total{result=\"accepted\"} 1.0");
      assertThat(metrics).contains("headroom_agent_device_partial_reads_total 0.0");
    } finally {
      int before = sink.all(DeviceReport.class).size();
      agent.close();
      assertThat(sink.closed).isTrue();
      // The open interval was emitted before the sink was closed: one more report per device.
      assertThat(sink.reportsAtClose).isGreaterThanOrEqualTo(before + 2);
      assertThat(agent.observations()).isGreaterThanOrEqualTo(sink.all(Observation.class).size());
    }
  }

  @Test
  void aReporterPortInUseFailsTheStartWithTheAddress() throws Exception {
    CompressedClock simTime = new CompressedClock(InstantSource.system(), 1, Duration.ZERO);
    SimulatedNvml nvml = SimulatedNvml.open(ScenarioLoader.parse(SCENARIO, "inline", false), "node-a", simTime);
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> Agent.builder(nvml, new SimulationTimeClock(simTime))
              .reporterPort(taken.getLocalPort())
              .start())
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("reporter endpoint cannot listen on")
          .hasMessageContaining(Integer.toString(taken.getLocalPort()));
    }
  }
}
