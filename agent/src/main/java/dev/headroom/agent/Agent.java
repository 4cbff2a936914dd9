package dev.headroom.agent;

import dev.headroom.agent.attribution.ContainerRef;
import dev.headroom.agent.attribution.ProcessAttribution;
import dev.headroom.agent.attribution.ProcessAttributor;
import dev.headroom.agent.metrics.AgentCounters;
import dev.headroom.agent.metrics.AgentMetrics;
import dev.headroom.agent.metrics.LatestObservations;
import dev.headroom.agent.metrics.MetricsEndpoint;
import dev.headroom.agent.recording.RecordingSink;
import dev.headroom.agent.reporter.ReporterEndpoint;
import dev.headroom.agent.reporter.SimulatedReporter;
import dev.headroom.agent.sampler.FixedRateLoop;
import dev.headroom.agent.sampler.HostMemorySource;
import dev.headroom.agent.sampler.ProcessLabeller;
import dev.headroom.agent.sampler.ProcessLabels;
import dev.headroom.agent.sampler.Sampler;
import dev.headroom.agent.sampler.SamplerSettings;
import dev.headroom.agent.sampler.XidReader;
import dev.headroom.agent.ship.Shipper;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.nvml.Nvml;
import dev.headroom.nvml.sim.SimulatedRun;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar assembled: the sampler on its fixed-rate thread, the Xid reader, the reporter
 * endpoint (or, in {@code --simulate} mode, the simulator's runs posting for themselves), /metrics,
 * and every observation fanned out to the sinks (recording, shipper) and the metrics store.
 *
 * <p>{@link #close()} stops the inputs first (reporter, Xid reader), then the sampler, which emits
 * its open interval, then closes the sinks in the order they were added so each flushes what it
 * holds, and stops /metrics last. The NVML session belongs to the caller and is not closed here.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final FanOut fanOut;
  private final Sampler sampler;
  private final List<AutoCloseable> inputs = new ArrayList<>();
  private final FixedRateLoop samplerLoop;
  private final Optional<ReporterEndpoint> reporter;
  private final Optional<MetricsEndpoint> metrics;
  private final Duration shutdownFlush;
  private boolean closed;

  private Agent(Builder b) {
    this.shutdownFlush = b.shutdownFlush;
    LatestObservations latest = new LatestObservations(b.clock, b.staleAfter);
    List<ObservationSink> targets = new ArrayList<>(b.sinks);
    targets.add(latest);
    this.fanOut = new FanOut(targets);
    this.sampler = new Sampler(b.nvml, b.hostname, b.labeller, b.hostMemory, fanOut, b.settings);

    // The parts are started in an order where a failure (a port in use) leaves nothing running.
    ReporterEndpoint reporterEndpoint = null;
    MetricsEndpoint metricsEndpoint = null;
    try {
      if (b.reporterPort.isPresent()) {
        reporterEndpoint = ReporterEndpoint.start(b.reporterPort.getAsInt(), b.clock, fanOut, b.runId);
      }
      if (b.metricsAddress != null) {
        ReporterEndpoint r = reporterEndpoint;
        Optional<RecordingSink> recording = sinkOf(b.sinks, RecordingSink.class);
        Optional<Shipper> shipper = sinkOf(b.sinks, Shipper.class);
        AgentCounters counters = new AgentCounters(
            sampler::reads,
            sampler::failedReads,
            sampler::partialReads,
            () -> r == null ? 0 : r.accepted(),
            () -> r == null ? 0 : r.rejected(),
            () -> recording.map(RecordingSink::droppedObservations).orElse(0L),
            () -> recording.map(RecordingSink::deletedSegments).orElse(0L),
            () -> shipper.map(s -> Math.max(0, s.lastSequence() - s.acknowledgedSequence())).orElse(0L),
            () -> shipper.map(Shipper::droppedFrames).orElse(0L));
        metricsEndpoint = MetricsEndpoint.start(b.metricsAddress, new AgentMetrics(latest, counters).registry());
      }
    } catch (RuntimeException e) {
      if (reporterEndpoint != null) {
        reporterEndpoint.close();
      }
      throw e;
    }
    this.reporter = Optional.ofNullable(reporterEndpoint);
    this.metrics = Optional.ofNullable(metricsEndpoint);
    XidReader.start(b.nvml, b.hostname, fanOut).ifPresent(inputs::add);
    if (!b.simulatedRuns.isEmpty()) {
      inputs.add(FixedRateLoop.start("sim-reporter", b.simulatedReportPeriod, b.clock,
          new SimulatedReporter(b.simulatedRuns, fanOut)));
    }
    this.samplerLoop = FixedRateLoop.start("sampler", b.settings.samplingPeriod(), b.clock, sampler);
    log.info(
        "agent started on {}: {} device(s) sampled at {} Hz, reports every {} ms{}{}{}",
        b.hostname,
        b.nvml.devices().size(),
        b.settings.rateHz(),
        b.settings.reportInterval().toMillis(),
        reporter.map(r -> ", reporter on 127.0.0.1:" + r.port()).orElse(""),
        metrics.map(m -> ", /metrics on port " + m.port()).orElse(""),
        b.simulatedRuns.isEmpty() ? "" : ", " + b.simulatedRuns.size() + " simulated run(s) reporting");
  }

  private static <T> Optional<T> sinkOf(List<ObservationSink> sinks, Class<T> type) {
    return sinks.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  /** Starts building an agent over an open NVML session, with time from {@code clock}. */
  public static Builder builder(Nvml nvml, Clock clock) {
    return new Builder(nvml, clock);
  }

  public Sampler sampler() {
    return sampler;
  }

  /**
   * Hands an observation from outside the sampler and the reporter (e.g. a run declared on the
   * command line) to every sink, as if it had been observed now.
   */
  public void emit(Observation observation) {
    fanOut.accept(observation);
  }

  /** Observations handed to the sinks since start. */
  public long observations() {
    return fanOut.count.get();
  }

  public OptionalInt reporterPort() {
    return reporter.map(r -> OptionalInt.of(r.port())).orElse(OptionalInt.empty());
  }

  public OptionalInt metricsPort() {
    return metrics.map(m -> OptionalInt.of(m.port())).orElse(OptionalInt.empty());
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("agent stopping: flushing the open interval and the sinks");
    reporter.ifPresent(ReporterEndpoint::close);
    for (AutoCloseable input : inputs) {
      closeQuietly(input);
    }
    samplerLoop.close();
    for (ObservationSink sink : fanOut.sinks) {
      if (sink instanceof Shipper shipper) {
        awaitAcknowledgement(shipper);
      }
      if (sink instanceof AutoCloseable c) {
        closeQuietly(c);
      }
    }
    metrics.ifPresent(MetricsEndpoint::close);
    log.info("agent stopped after {} observations ({} device reads, {} failed)",
        fanOut.count.get(), sampler.reads(), sampler.failedReads());
  }

  /** Gives the collector a bounded moment to acknowledge the last frames before the shipper stops. */
  private void awaitAcknowledgement(Shipper shipper) {
    try {
      if (!shipper.flush(shutdownFlush)) {
        log.warn("collector did not acknowledge frames {} to {} within {} s; they stay in the recording",
            shipper.acknowledgedSequence() + 1, shipper.lastSequence(), shutdownFlush.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.error("closing {} failed", c.getClass().getSimpleName(), e);
    }
  }

  /**
   * Hands each observation to every sink. Sinks must not throw; if one does anyway (a bug), the
   * others still get the observation and the error is logged once per sink.
   */
  private static final class FanOut implements ObservationSink {
    final List<ObservationSink> sinks;
    final AtomicLong count = new AtomicLong();
    private final boolean[] complained;

    FanOut(List<ObservationSink> sinks) {
      this.sinks = List.copyOf(sinks);
      this.complained = new boolean[sinks.size()];
    }

    @Override
    public void accept(Observation observation) {
      count.incrementAndGet();
      for (int i = 0; i < sinks.size(); i++) {
        try {
          sinks.get(i).accept(observation);
        } catch (RuntimeException e) {
          if (!complained[i]) {
            complained[i] = true;
            log.error("sink {} threw; it keeps receiving, further errors are not logged",
                sinks.get(i).getClass().getSimpleName(), e);
          }
        }
      }
    }
  }

  /** What the agent runs with; everything but the NVML session and the clock has a default. */
  public static final class Builder {
    private final Nvml nvml;
    private final Clock clock;
    private String hostname = "localhost";
    private SamplerSettings settings = SamplerSettings.defaults();
    private ProcessLabeller labeller = ProcessLabeller.none();
    private HostMemorySource hostMemory = HostMemorySource.none();
    private final List<ObservationSink> sinks = new ArrayList<>();
    private OptionalInt reporterPort = OptionalInt.empty();
    private InetSocketAddress metricsAddress;
    private List<SimulatedRun> simulatedRuns = List.of();
    private Duration simulatedReportPeriod = Duration.ofSeconds(1);
    private Duration staleAfter = Duration.ofMinutes(5);
    private Optional<String> runId = Optional.empty();
    private Duration shutdownFlush = Duration.ofSeconds(5);

    private Builder(Nvml nvml, Clock clock) {
      this.nvml = Objects.requireNonNull(nvml, "nvml");
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The host name written into every report. */
    public Builder hostname(String hostname) {
      this.hostname = Objects.requireNonNull(hostname, "hostname");
      return this;
    }

    public Builder sampler(SamplerSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Process attribution (name, user, container, alive); default: the driver's view only. */
    public Builder labeller(ProcessLabeller labeller) {
      this.labeller = Objects.requireNonNull(labeller, "labeller");
      return this;
    }

    /**
     * Process attribution from OSHI or the scenario. A PID the agent cannot see (another PID
     * namespace) counts as alive: only a PID known to be gone is reported as dead-process memory.
     */
    public Builder attribution(ProcessAttributor attributor) {
      Objects.requireNonNull(attributor, "attributor");
      return labeller(pid -> {
        ProcessAttribution a = attributor.attribute(pid);
        return new ProcessLabels(a.name(), a.user(), a.container().map(ContainerRef::label),
            a.status() != ProcessAttribution.Status.DEAD);
      });
    }

    public Builder hostMemory(HostMemorySource hostMemory) {
      this.hostMemory = Objects.requireNonNull(hostMemory, "hostMemory");
      return this;
    }

    /**
     * Adds a sink; an {@link AutoCloseable} sink is closed (and so flushed) by {@link Agent#close}.
     * A {@link Shipper} first gets {@link #shutdownFlush} for the collector to acknowledge what it
     * holds; a {@link RecordingSink} and a shipper also feed the agent's self-metrics.
     */
    public Builder sink(ObservationSink sink) {
      sinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /** Listens for reporter posts on 127.0.0.1:{@code port} (0: any free port). Default: off. */
    public Builder reporterPort(int port) {
      this.reporterPort = OptionalInt.of(port);
      return this;
    }

    /** The run id for reporter run-spec posts that carry none (the agent's {@code --run-id}). */
    public Builder runId(String runId) {
      this.runId = Optional.of(runId);
      return this;
    }

    /** Serves /metrics on {@code address}. Default: off. */
    public Builder metricsAddress(InetSocketAddress address) {
      this.metricsAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** Simulated runs that post as a reporter would, every {@code period}. */
    public Builder simulatedRuns(List<SimulatedRun> runs, Duration period) {
      this.simulatedRuns = List.copyOf(runs);
      this.simulatedReportPeriod = Objects.requireNonNull(period, "period");
      return this;
    }

    /** How long posted series (allocator, steps, runs) stay on /metrics without a new post. */
    public Builder staleAfter(Duration staleAfter) {
      this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
      return this;
    }

    /** How long {@link Agent#close} waits for the collector to acknowledge the last frames (default 5 s). */
    public Builder shutdownFlush(Duration wait) {
      this.shutdownFlush = Objects.requireNonNull(wait, "wait");
      return this;
    }

    /** Starts every part; a port that cannot be bound fails here, with nothing left running. */
    public Agent start() {
      return new Agent(this);
    }
  }
}
