package dev.headroom.cli.demo;

import dev.headroom.agent.Agent;
import dev.headroom.agent.attribution.SimulatedProcessAttributor;
import dev.headroom.agent.sampler.SimulationTimeClock;
import dev.headroom.agent.ship.Shipper;
import dev.headroom.agent.ship.ShipperConfig;
import dev.headroom.agent.ship.TokenFile;
import dev.headroom.collector.Collector;
import dev.headroom.collector.CollectorConfig;
import dev.headroom.collector.runs.AnalyzerRunPredictor;
import dev.headroom.collector.store.RetentionPolicy;
import dev.headroom.nvml.sim.CompressedClock;
import dev.headroom.nvml.sim.Scenario;
import dev.headroom.nvml.sim.SimulatedNvml;
import dev.headroom.nvml.sim.SimulationClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's moving parts in one process: a collector on ephemeral loopback ports behind a
 * generated token, and one agent per simulated host, each shipping over real TCP through its own
 * {@link Shipper}, exactly as {@code headroom agent --simulate … --sim-host …} would.
 *
 * <p>Everything shares one compressed simulation clock, the collector included, so the run
 * registry, silence and the detectors judge the same simulated time the reports carry.
 */
final class DemoFleet implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DemoFleet.class);
  private static final Duration AGENT_FLUSH = Duration.ofSeconds(3);

  private final SimulationClock simulation;
  private final Collector collector;
  private final List<SimulatedNvml> hosts;
  private final List<Agent> agents;
  private final AlertLog alerts;
  private final OomWatch ooms;
  private boolean closed;

  private DemoFleet(SimulationClock simulation, Collector collector, List<SimulatedNvml> hosts, List<Agent> agents,
      AlertLog alerts, OomWatch ooms) {
    this.simulation = simulation;
    this.collector = collector;
    this.hosts = hosts;
    this.agents = agents;
    this.alerts = alerts;
    this.ooms = ooms;
  }

  /**
   * Starts the collector, then the agents; on a failure what was started is closed again.
   *
   * @param workDir gets the token file, the collector's data folder and the agents' buffers
   * @param version written into the agents' hellos
   * @param webhooks URLs the collector posts every alert to, besides the demo's view
   * @param alertmanager an Alertmanager the collector sends the alerts to
   */
  static DemoFleet start(Scenario scenario, DemoPace pace, Path workDir, String version, List<URI> webhooks,
      Optional<URI> alertmanager) throws IOException {
    HeldWall wall = new HeldWall(InstantSource.system());
    SimulationClock simulation = new CompressedClock(wall, pace.speed(), scenario.startAt().toDuration());
    Clock clock = new SimulationTimeClock(simulation);
    String token = readToken(writeToken(workDir.resolve("agent.token")));
    CollectorConfig config = new CollectorConfig(
        new InetSocketAddress("127.0.0.1", 0),
        new InetSocketAddress("127.0.0.1", 0),
        token,
        workDir.resolve("collector"),
        webhooks,
        alertmanager,
        pace.registryPolicy(),
        pace.detectors(),
        RetentionPolicy.DEFAULT,
        Duration.ofSeconds(1));
    Collector collector = Collector.start(config, AnalyzerRunPredictor.standard(), clock);
    AlertLog alerts = new AlertLog();
    OomWatch ooms = new OomWatch();
    collector.addAlertListener(alerts);
    collector.registry().addListener(ooms);

    List<SimulatedNvml> hosts = SimulatedNvml.openAll(scenario, simulation);
    List<Agent> agents = new ArrayList<>();
    try {
      SimulatedProcessAttributor attribution = new SimulatedProcessAttributor(hosts);
      for (SimulatedNvml host : hosts) {
        agents.add(startAgent(host, attribution, pace, clock, collector.ingestAddress(), token,
            workDir.resolve("agents").resolve(host.hostName()), version));
      }
      wall.release(); // simulated time starts now, with the collector and every agent up
    } catch (IOException | RuntimeException e) {
      agents.forEach(Agent::close);
      hosts.forEach(SimulatedNvml::close);
      collector.close();
      throw e;
    }
    return new DemoFleet(simulation, collector, hosts, agents, alerts, ooms);
  }

  private static Agent startAgent(SimulatedNvml host, SimulatedProcessAttributor attribution, DemoPace pace,
      Clock clock, InetSocketAddress collectorAddress, String token, Path agentDir, String version)
      throws IOException {
    String bootId = UUID.randomUUID().toString();
    ShipperConfig ship = ShipperConfig.of(List.of(collectorAddress), host.hostName(), bootId, host.hostName(),
            version, agentDir.resolve("buffer"))
        .withToken(token)
        .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    Shipper shipper = Shipper.start(ship, clock, RandomGenerator.getDefault());
    try {
      return Agent.builder(host, clock)
          .hostname(host.hostName())
          .sampler(pace.sampler())
          .attribution(attribution)
          .simulatedRuns(host.runs(), pace.reporterWallPeriod())
          .sink(shipper)
          .shutdownFlush(AGENT_FLUSH)
          .start();
    } catch (RuntimeException e) {
      shipper.close();
      throw e;
    }
  }

  /** A fresh random token in a file only this user can read, as an operator would set it up. */
  private static Path writeToken(Path file) throws IOException {
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    Files.createDirectories(file.getParent());
    Files.writeString(file, HexFormat.of().formatHex(secret) + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system (Windows): the temp folder is per-user there anyway.
    }
    return file;
  }

  /** Read back through the agents' own reader, so the demo takes the path a deployment takes. */
  private static String readToken(Path file) throws IOException {
    try {
      return TokenFile.read(file);
    } catch (TokenFile.TokenFileException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  SimulationClock simulation() {
    return simulation;
  }

  Collector collector() {
    return collector;
  }

  AlertLog alerts() {
    return alerts;
  }

  OomWatch ooms() {
    return ooms;
  }

  int agentCount() {
    return agents.size();
  }

  int gpuCount() {
    return hosts.stream().mapToInt(h -> h.devices().size()).sum();
  }

  /** The dashboard's address, e.g. {@code http://127.0.0.1:41234/}. */
  String dashboardUrl() {
    InetSocketAddress http = collector.httpAddress();
    return "http://" + http.getHostString() + ":" + http.getPort() + "/";
  }

  /** Stops the agents (each flushes to the collector), then the collector, then the simulated GPUs. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    agents.forEach(Agent::close);
    try {
      collector.close();
    } catch (IOException | RuntimeException e) {
      log.warn("stopping the demo's collector: {}", e.toString());
    }
    hosts.forEach(SimulatedNvml::close);
  }
}
