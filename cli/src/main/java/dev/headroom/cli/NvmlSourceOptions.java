package dev.headroom.cli;

import dev.headroom.agent.attribution.ProcessAttributor;
import dev.headroom.agent.attribution.SimulatedProcessAttributor;
import dev.headroom.nvml.Nvml;
import dev.headroom.nvml.NvmlException;
import dev.headroom.nvml.NvmlUnavailableException;
import dev.headroom.nvml.sim.CompressedClock;
import dev.headroom.nvml.sim.Scenario;
import dev.headroom.nvml.sim.ScenarioException;
import dev.headroom.nvml.sim.ScenarioLoader;
import dev.headroom.nvml.sim.SimulatedNvml;
import dev.headroom.nvml.sim.SimulationClock;
import dev.headroom.nvml.sim.TimeSpan;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where GPU readings come from, for every command that reads GPUs: the real driver (optionally a
 * given library file) or a simulated scenario. A picocli mixin: {@code @Mixin NvmlSourceOptions
 * source;} then {@link #open()}.
 */
public final class NvmlSourceOptions {

  @Option(
      names = "--nvml-library",
      paramLabel = "PATH",
      description = "NVML library file to load instead of libnvidia-ml.so.1 (also: env " + Nvml.LIBRARY_ENV + ").")
  Path nvmlLibrary;

  @Option(
      names = "--simulate",
      paramLabel = "SCENARIO",
      description = "Read simulated GPUs from a scenario file (YAML or JSON, see docs/scenarios.md) instead of the driver.")
  Path scenario;

  @Option(
      names = "--sim-host",
      paramLabel = "NAME",
      description = "With --simulate: only this host of the scenario (default: every host; the agent, which simulates one host, needs it when the scenario has several).")
  String simHost;

  @Option(
      names = "--time-compression",
      paramLabel = "X",
      description = "With --simulate: simulated seconds per wall-clock second (default: the scenario's timeCompression, else 1).")
  Double timeCompression;

  @Option(
      names = "--sim-start",
      paramLabel = "TIME",
      description = "With --simulate: where in the scenario the clock starts, e.g. 90s, 20m, 1h (default: the scenario's startAt, else 0).")
  String simStart;

  /** One host's NVML session. */
  public record HostSession(String hostName, Nvml nvml) {}

  /**
   * The opened source: one session per host (one for the real driver), the attribution that fits
   * it, and for simulations the clock and scenario. Close it to close every session.
   */
  public record OpenedSource(
      List<HostSession> hosts, ProcessAttributor attributor, Optional<SimulationClock> simulationClock, Optional<Scenario> scenario)
      implements AutoCloseable {
    public OpenedSource {
      hosts = List.copyOf(hosts);
    }

    public boolean simulated() {
      return scenario.isPresent();
    }

    @Override
    public void close() {
      for (HostSession h : hosts) {
        h.nvml().close();
      }
    }
  }

  /** Whether {@code --simulate} was given. */
  public boolean simulating() {
    return scenario != null;
  }

  /**
   * Opens the driver or the scenario.
   *
   * @throws UserInputException status 3 when the driver cannot be used, status 2 for a bad scenario
   *     or option
   */
  public OpenedSource open() {
    if (scenario != null && nvmlLibrary != null) {
      throw new UserInputException("--simulate and --nvml-library exclude each other: a simulation loads no library");
    }
    if (scenario == null) {
      if (simHost != null || timeCompression != null || simStart != null) {
        throw new UserInputException("--sim-host, --time-compression and --sim-start need --simulate");
      }
      return openDriver();
    }
    return openSimulation();
  }

  private OpenedSource openDriver() {
    try {
      Nvml nvml = Nvml.open(Optional.ofNullable(nvmlLibrary));
      return new OpenedSource(
          List.of(new HostSession(localHostname(), nvml)), ProcessAttributor.forThisHost(), Optional.empty(), Optional.empty());
    } catch (NvmlUnavailableException e) {
      throw new UserInputException(e.getMessage(), Headroom.EXIT_NO_DRIVER);
    } catch (NvmlException e) {
      throw new UserInputException("NVML could not be opened: " + e.getMessage(), Headroom.EXIT_NO_DRIVER);
    }
  }

  private OpenedSource openSimulation() {
    Scenario s;
    try {
      s = ScenarioLoader.load(scenario);
    } catch (ScenarioException e) {
      throw new UserInputException(e.getMessage());
    }
    double factor = timeCompression != null ? timeCompression : s.timeCompression();
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new UserInputException("--time-compression must be a positive number, got " + factor);
    }
    Duration start;
    try {
      start = simStart != null ? TimeSpan.parse(simStart).toDuration() : s.startAt().toDuration();
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--sim-start: " + e.getMessage());
    }
    SimulationClock clock = new CompressedClock(InstantSource.system(), factor, start);
    List<SimulatedNvml> sims = new ArrayList<>();
    if (simHost != null) {
      try {
        sims.add(SimulatedNvml.open(s, simHost, clock));
      } catch (IllegalArgumentException e) {
        throw new UserInputException("--sim-host: " + e.getMessage());
      }
    } else {
      sims.addAll(SimulatedNvml.openAll(s, clock));
    }
    List<HostSession> hosts = sims.stream().map(n -> new HostSession(n.hostName(), (Nvml) n)).toList();
    return new OpenedSource(hosts, new SimulatedProcessAttributor(sims), Optional.of(clock), Optional.of(s));
  }

  private static String localHostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
    }
  }
}
