package dev.headroom.cli;

import dev.headroom.agent.Agent;
import dev.headroom.agent.ObservationSink;
import dev.headroom.agent.recording.RecordingSink;
import dev.headroom.agent.reporter.MalformedReportException;
import dev.headroom.agent.reporter.ReportParser;
import dev.headroom.agent.sampler.HostMemorySource;
import dev.headroom.agent.sampler.OshiHostMemory;
import dev.headroom.agent.sampler.SamplerSettings;
import dev.headroom.agent.sampler.SimulationTimeClock;
import dev.headroom.agent.ship.Shipper;
import dev.headroom.agent.ship.ShipperConfig;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.nvml.Nvml;
import dev.headroom.nvml.sim.SimulatedNvml;
import dev.headroom.protocol.recording.RecordingLimits;
import dev.headroom.protocol.recording.SegmentIdentity;
import dev.headroom.protocol.wire.TlsContexts;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code headroom agent}: the sidecar in the foreground. Wiring only: the sampler, reporter
 * endpoint, /metrics, recording and shipper live in the agent module.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Run the sidecar on a GPU node: sample every GPU and stream to the collector(s).",
    description = {
      "Run the sidecar: sample every GPU, accept the training process's reporter posts, serve "
          + "/metrics, keep a local rolling recording and stream everything to the collector(s).",
      "Runs in the foreground with one log line per state change; SIGTERM or Ctrl-C flushes and exits 0."
    })
final class AgentCommand implements java.util.concurrent.Callable<Integer> {

  @Option(names = "--collector", split = ",", paramLabel = "HOST:PORT",
      description = "Collector address(es), tried in order for failover. Without it the agent only records and serves /metrics.")
  List<String> collectors = new ArrayList<>();

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File whose first line is the collector token (never give the token on the command line).")
  Path tokenFile;

  @Option(names = "--tls",
      description = "Connect to the collector(s) over TLS (a collector started with --tls-cert), checking its host "
          + "name against its certificate, which a CA the JDK trusts must have signed (else give --tls-ca).")
  boolean tls;

  @Option(names = "--tls-ca", paramLabel = "PEM",
      description = "CA certificate(s) (PEM) to trust for the collector's certificate, e.g. a self-signed one itself; implies --tls.")
  Path tlsCa;

  @Option(names = "--run-id", paramLabel = "ID",
      description = "Run id for reporter run-spec posts that carry none, and for --run-spec.")
  String runId;

  @Option(names = "--run-spec", paramLabel = "FILE",
      description = "Declare the run at start from this JSON run spec (the predictor's keys, docs/predictor.md); needs --run-id.")
  Path runSpec;

  @Mixin NvmlSourceOptions source;

  @Option(names = "--rate", paramLabel = "HZ", defaultValue = "10",
      description = "Device reads per second, 1 to 1000 (default: ${DEFAULT-VALUE}).")
  double rateHz;

  @Option(names = "--report-interval", paramLabel = "SECONDS", defaultValue = "1",
      description = "Seconds one report covers (min, max and last of every quantity; default: ${DEFAULT-VALUE}).")
  double reportIntervalSeconds;

  @Option(names = "--metrics-port", paramLabel = "P", defaultValue = "9477",
      description = "Port of /metrics, on all interfaces (default: ${DEFAULT-VALUE}; 0 picks a free port; -1 turns it off).")
  int metricsPort;

  @Option(names = "--reporter-port", paramLabel = "P", defaultValue = "9478",
      description = "Port of the reporter endpoint, on 127.0.0.1 only (default: ${DEFAULT-VALUE}; 0 picks a free port; -1 turns it off).")
  int reporterPort;

  @Option(names = "--recording-dir", paramLabel = "DIR", defaultValue = "/var/tmp/headroom/recording",
      description = "Where the rolling recording goes, read by 'headroom postmortem' (default: ${DEFAULT-VALUE}).")
  Path recordingDir;

  @Option(names = "--recording-size", paramLabel = "MIB", defaultValue = "256",
      description = "Bound of the recording in MiB; the oldest segment is deleted first (default: ${DEFAULT-VALUE}; 0 turns recording off).")
  long recordingMiB;

  /** 8 TiB: far above any disk a node keeps for this, and safely inside a long once shifted to bytes. */
  static final long MAX_RECORDING_MIB = 8L << 20;

  @Option(names = "--buffer-dir", paramLabel = "DIR",
      description = "Where frames wait for the collector's acknowledgement (default: a 'buffer' folder beside the recording).")
  Path bufferDir;

  @Option(names = "--hostname", paramLabel = "NAME",
      description = "Host name written into every report (default: this machine's, or the simulated host's).")
  String hostname;

  @Option(names = "--duration", paramLabel = "SECONDS",
      description = "Stop by itself after this many wall-clock seconds, as on SIGTERM (default: run until stopped).")
  Double durationSeconds;

  @Override
  public Integer call() throws Exception {
    SamplerSettings settings = samplerSettings();
    List<InetSocketAddress> collectorAddresses = collectorAddresses();
    String token = TokenFileOption.read(tokenFile);
    Optional<SslContext> clientTls = clientTls();
    checkPort("--metrics-port", metricsPort);
    checkPort("--reporter-port", reporterPort);
    if (durationSeconds != null && !(durationSeconds > 0)) {
      throw new UserInputException("--duration must be more than 0 seconds, got " + durationSeconds);
    }
    // A negative size once ran as if recording were on with its default bound; MiB << 20 must not overflow.
    if (recordingMiB < 0 || recordingMiB > MAX_RECORDING_MIB) {
      throw new UserInputException("--recording-size must be 0 (off) to " + MAX_RECORDING_MIB + " MiB, got " + recordingMiB);
    }

    if (runId != null) {
      try {
        ReportParser.checkRunId(runId);
      } catch (MalformedReportException e) {
        throw new UserInputException("--run-id: " + e.getMessage().replace("field 'run_id' ", ""));
      }
    }
    Optional<RunSpecDeclared> declared = runSpec == null ? Optional.empty() : Optional.of(readRunSpec());
    try (NvmlSourceOptions.OpenedSource opened = source.open()) {
      NvmlSourceOptions.HostSession session = oneHost(opened);
      Nvml nvml = session.nvml();
      Clock clock = opened.simulationClock().<Clock>map(SimulationTimeClock::new).orElse(Clock.systemUTC());
      String host = hostname != null ? hostname : session.hostName();
      Agent.Builder builder = Agent.builder(nvml, clock)
          .hostname(host)
          .sampler(settings)
          .attribution(opened.attributor())
          // A simulated host's RAM would be this machine's: misleading beside simulated GPUs.
          .hostMemory(opened.simulated() ? HostMemorySource.none() : new OshiHostMemory());
      if (runId != null) {
        builder.runId(runId);
      }
      if (nvml instanceof SimulatedNvml sim) {
        builder.simulatedRuns(sim.runs(), Duration.ofSeconds(1));
      }
      if (metricsPort >= 0) {
        builder.metricsAddress(new InetSocketAddress(metricsPort));
      }
      if (reporterPort >= 0) {
        builder.reporterPort(reporterPort);
      }
      String bootId = UUID.randomUUID().toString();
      if (recordingMiB > 0) {
        builder.sink(openRecording(host, bootId, clock));
      }
      if (!collectorAddresses.isEmpty()) {
        builder.sink(startShipper(collectorAddresses, token, clientTls, host, bootId, clock));
      }
      Agent agent = startAgent(builder);
      declared.ifPresent(agent::emit);
      awaitStop(agent);
    }
    return 0;
  }

  private RunSpecDeclared readRunSpec() {
    if (runId == null) {
      throw new UserInputException("--run-spec needs --run-id: the run the spec belongs to");
    }
    byte[] json;
    try {
      json = Files.readAllBytes(runSpec);
    } catch (IOException e) {
      throw new UserInputException("--run-spec " + runSpec + ": cannot read: " + FileSystemFailure.describe(e));
    }
    try {
      return new ReportParser(Clock.systemUTC()).declareRun(runId, json, 0);
    } catch (MalformedReportException e) {
      // The parser speaks of a post's body; here the body is this file.
      throw new UserInputException("--run-spec " + runSpec + ": " + e.getMessage().replaceFirst("^body ", "the file "));
    }
  }

  private SamplerSettings samplerSettings() {
    if (!(reportIntervalSeconds > 0) || reportIntervalSeconds > 3600) {
      throw new UserInputException("--report-interval must be more than 0 and at most 3600 seconds, got " + reportIntervalSeconds);
    }
    try {
      return SamplerSettings.of(rateHz, Duration.ofNanos(Math.round(reportIntervalSeconds * 1e9)));
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--rate/--report-interval: " + e.getMessage());
    }
  }

  private List<InetSocketAddress> collectorAddresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String c : collectors) {
      out.add(HostPortOption.peer("--collector", c));
    }
    return out;
  }

  private static void checkPort(String option, int port) {
    if (port < -1 || port > 65535) {
      throw new UserInputException(option + " must be -1 (off), 0 (any free port) or 1-65535, got " + port);
    }
  }

  /** One agent samples one host; a scenario with several needs --sim-host. */
  private static NvmlSourceOptions.HostSession oneHost(NvmlSourceOptions.OpenedSource opened) {
    List<NvmlSourceOptions.HostSession> hosts = opened.hosts();
    if (hosts.size() != 1) {
      throw new UserInputException("--simulate: the scenario has " + hosts.size() + " hosts ("
          + String.join(", ", hosts.stream().map(NvmlSourceOptions.HostSession::hostName).toList())
          + "); one agent simulates one host: choose it with --sim-host");
    }
    return hosts.get(0);
  }

  private RecordingSink openRecording(String host, String bootId, Clock clock) {
    try {
      return RecordingSink.open(recordingDir, new SegmentIdentity(host, bootId, host, clock.instant()),
          RecordingLimits.DEFAULT.withMaxTotalBytes(recordingMiB << 20), clock);
    } catch (IOException | IllegalArgumentException e) {
      throw new UserInputException("--recording-dir " + recordingDir + ": cannot write the recording: " + FileSystemFailure.describe(e));
    }
  }

  private Optional<SslContext> clientTls() {
    if (!tls && tlsCa == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(TlsContexts.client(Optional.ofNullable(tlsCa)));
    } catch (TlsContexts.TlsSetupException e) {
      throw new UserInputException("--tls-ca: " + e.getMessage());
    }
  }

  private ObservationSink startShipper(List<InetSocketAddress> addresses, String token, Optional<SslContext> clientTls,
      String host, String bootId, Clock clock) {
    Path buffer = bufferDir != null ? bufferDir : recordingDir.resolveSibling("buffer");
    ShipperConfig config = ShipperConfig.of(addresses, host, bootId, host, version(), buffer).withToken(token);
    if (clientTls.isPresent()) {
      config = config.withTls(clientTls.get());
    }
    try {
      return Shipper.start(config, clock, RandomGenerator.getDefault());
    } catch (IOException e) {
      throw new UserInputException("--buffer-dir " + buffer + ": cannot open the shipper's buffer: " + FileSystemFailure.describe(e));
    }
  }

  /** An I/O failure in words: NIO's messages are often only the path. */
  private static Agent startAgent(Agent.Builder builder) {
    try {
      return builder.start();
    } catch (java.io.UncheckedIOException e) {
      throw new UserInputException(e.getCause().getMessage());
    }
  }

  /** Blocks until SIGTERM/SIGINT (shutdown hook) or --duration, then closes the agent, which flushes. */
  private void awaitStop(Agent agent) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      agent.close();
      stopped.countDown();
      // The JVM would report a SIGTERM as status 143; after a clean flush the agent exits 0, which
      // is what systemd and Kubernetes take as a clean stop.
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(0);
    }, "headroom-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (durationSeconds == null) {
      stopped.await();
    } else if (!stopped.await(Math.round(durationSeconds * 1000), TimeUnit.MILLISECONDS)) {
      Runtime.getRuntime().removeShutdownHook(hook);
      agent.close();
    }
  }

  private static String version() {
    String[] v = new Headroom.Version().getVersion();
    return v[0].replace("headroom ", "");
  }
}
