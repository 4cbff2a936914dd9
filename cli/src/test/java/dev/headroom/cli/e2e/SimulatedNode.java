package dev.headroom.cli.e2e;

import dev.headroom.agent.Agent;
import dev.headroom.agent.attribution.SimulatedProcessAttributor;
import dev.headroom.agent.sampler.OshiHostMemory;
import dev.headroom.agent.sampler.SamplerSettings;
import dev.headroom.agent.sampler.SimulationTimeClock;
import dev.headroom.agent.ship.Shipper;
import dev.headroom.agent.ship.ShipperConfig;
import dev.headroom.nvml.sim.CompressedClock;
import dev.headroom.nvml.sim.Scenario;
import dev.headroom.nvml.sim.ScenarioLoader;
import dev.headroom.nvml.sim.SimulatedNvml;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * One simulated GPU node with a real agent on it, wired as {@code headroom agent --simulate} wires
 * it (simulated time for the observations, the simulated runs posting for the reporter), with
 * /metrics on a free loopback port and, when a collector is given, the shipper streaming to it.
 */
final class SimulatedNode implements AutoCloseable {
  private final SimulatedNvml nvml;
  private final Agent agent;

  private SimulatedNode(SimulatedNvml nvml, Agent agent) {
    this.nvml = nvml;
    this.agent = agent;
  }

  /** Loads a scenario from this package's test resources. */
  static Scenario scenario(String resource) throws Exception {
    try (InputStream in = SimulatedNode.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + resource + " missing");
      }
      return ScenarioLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource, false);
    }
  }

  /**
   * Starts the agent on the scenario's only host.
   *
   * @param collector where to ship frames, if anywhere
   * @param bufferDir the shipper's disk buffer
   */
  static SimulatedNode start(Scenario scenario, Optional<InetSocketAddress> collector, Path bufferDir) {
    CompressedClock simulation =
        new CompressedClock(InstantSource.system(), scenario.timeCompression(), scenario.startAt().toDuration());
    List<SimulatedNvml> hosts = SimulatedNvml.openAll(scenario, simulation);
    if (hosts.size() != 1) {
      hosts.forEach(SimulatedNvml::close);
      throw new IllegalArgumentException("a node is one host; " + scenario.name() + " has " + hosts.size());
    }
    SimulatedNvml nvml = hosts.get(0);
    Clock clock = new SimulationTimeClock(simulation);
    Shipper shipper = null;
    try {
      Agent.Builder builder = Agent.builder(nvml, clock)
          .hostname(nvml.hostName())
          .sampler(SamplerSettings.of(20, Duration.ofSeconds(1)))
          .attribution(new SimulatedProcessAttributor(hosts))
          // This machine's RAM: the agent under test really runs here, and the host series must exist.
          .hostMemory(new OshiHostMemory())
          .simulatedRuns(nvml.runs(), Duration.ofSeconds(1))
          .metricsAddress(new InetSocketAddress("127.0.0.1", 0));
      if (collector.isPresent()) {
        ShipperConfig config = ShipperConfig.of(List.of(collector.get()), nvml.hostName(), UUID.randomUUID().toString(),
            nvml.hostName(), "e2e", bufferDir).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        shipper = Shipper.start(config, clock, RandomGenerator.getDefault());
        builder.sink(shipper);
      }
      return new SimulatedNode(nvml, builder.shutdownFlush(Duration.ofSeconds(2)).start());
    } catch (IOException e) {
      nvml.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      if (shipper != null) {
        try {
          shipper.close();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
      }
      nvml.close();
      throw e;
    }
  }

  String hostName() {
    return nvml.hostName();
  }

  /** The loopback port of this agent's /metrics. */
  int metricsPort() {
    return agent.metricsPort().orElseThrow();
  }

  @Override
  public void close() {
    agent.close();
    nvml.close();
  }
}
