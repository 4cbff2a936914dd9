package dev.headroom.cli.bench;

import dev.headroom.agent.Agent;
import dev.headroom.agent.ObservationSink;
import dev.headroom.agent.attribution.SimulatedProcessAttributor;
import dev.headroom.agent.recording.RecordingSink;
import dev.headroom.agent.sampler.SamplerSettings;
import dev.headroom.agent.sampler.SimulationTimeClock;
import dev.headroom.cli.UserInputException;
import dev.headroom.nvml.DeviceInfo;
import dev.headroom.nvml.DeviceSnapshot;
import dev.headroom.nvml.DriverInfo;
import dev.headroom.nvml.Nvml;
import dev.headroom.nvml.NvmlException;
import dev.headroom.nvml.NvmlFeature;
import dev.headroom.nvml.SkippedDevice;
import dev.headroom.nvml.XidEvent;
import dev.headroom.nvml.sim.CompressedClock;
import dev.headroom.nvml.sim.ScenarioException;
import dev.headroom.nvml.sim.ScenarioLoader;
import dev.headroom.nvml.sim.SimulatedNvml;
import dev.headroom.protocol.recording.RecordingLimits;
import dev.headroom.protocol.recording.SegmentIdentity;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code headroom bench agent}: the agent's own cost with N simulated GPUs sampled at R Hz —
 * CPU time of its threads as a share of one core, heap after GC, frames per second — beside the
 * same assembly (reporter endpoint, /metrics, recording, Xid thread, sampler loop) over a host
 * with no GPUs, so what is left is the cost of sampling itself.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    header = "CPU share, heap after GC and frames/s of the agent on simulated GPUs, beside an idle agent.",
    description = {
      "CPU share of one core, heap after GC and frames/s of the agent sampling simulated GPUs, "
          + "beside the same agent with sampling disabled (no devices). No GPU needed.",
      "Target: <= 1 %% of one core and <= 64 MiB heap at 8 GPUs x 20 Hz."
    })
public final class AgentBench implements Runnable {
  static final double TARGET_CPU_SHARE = 0.01;
  static final long TARGET_HEAP_BYTES = 64L << 20;

  @Option(names = "--gpus", paramLabel = "N", defaultValue = "8",
      description = "Simulated GPUs, each with one training process (default: ${DEFAULT-VALUE}).")
  int gpus;

  @Option(names = "--rate", paramLabel = "HZ", defaultValue = "20",
      description = "Sampling rate (default: ${DEFAULT-VALUE}).")
  double rateHz;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "60",
      description = "Wall-clock seconds of each measured run, baseline and sampling (default: ${DEFAULT-VALUE}).")
  double seconds;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** What one run cost. */
  record Cost(long agentCpuNanos, long processCpuNanos, double wallSeconds, long heapAfterGcBytes, long frames) {
    double agentCpuShare() {
      return agentCpuNanos / (wallSeconds * 1e9);
    }

    double processCpuShare() {
      return processCpuNanos / (wallSeconds * 1e9);
    }

    double framesPerSecond() {
      return frames / wallSeconds;
    }
  }

  @Override
  public void run() {
    if (gpus < 1 || gpus > 1024) {
      throw new UserInputException("--gpus must be 1 to 1024, got " + gpus);
    }
    if (!(seconds > 0) || seconds > 3600) {
      throw new UserInputException("--seconds must be more than 0 and at most 3600, got " + seconds);
    }
    SamplerSettings settings;
    try {
      settings = SamplerSettings.of(rateHz, Duration.ofSeconds(1));
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--rate: " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    // A short warm-up so the JIT has compiled the sampling path before either run is measured.
    measure(settings, true, Math.min(2, seconds));
    Cost baseline = measure(settings, false, seconds);
    Cost sampling = measure(settings, true, seconds);

    String shape = String.format(Locale.ROOT, "\"gpus\":%d,\"rate_hz\":%s,\"seconds\":%s", gpus, num(rateHz), num(seconds));
    out.println(String.format(Locale.ROOT,
        "{\"bench\":\"agent\",\"figure\":\"agent_threads_cpu_share_of_one_core\",\"value\":%.5f,\"unit\":\"ratio\","
            + "\"baseline\":\"same_agent_no_devices\",\"baseline_value\":%.5f,\"target\":%s,\"within_target\":%b,%s}",
        sampling.agentCpuShare(), baseline.agentCpuShare(), num(TARGET_CPU_SHARE),
        sampling.agentCpuShare() <= TARGET_CPU_SHARE, shape));
    out.println(String.format(Locale.ROOT,
        "{\"bench\":\"agent\",\"figure\":\"process_cpu_share_of_one_core\",\"value\":%.5f,\"unit\":\"ratio\","
            + "\"baseline\":\"same_agent_no_devices\",\"baseline_value\":%.5f,%s}",
        sampling.processCpuShare(), baseline.processCpuShare(), shape));
    out.println(String.format(Locale.ROOT,
        "{\"bench\":\"agent\",\"figure\":\"heap_after_gc_bytes\",\"value\":%d,\"unit\":\"bytes\","
            + "\"baseline\":\"same_agent_no_devices\",\"baseline_value\":%d,\"target\":%d,\"within_target\":%b,%s}",
        sampling.heapAfterGcBytes(), baseline.heapAfterGcBytes(), TARGET_HEAP_BYTES,
        sampling.heapAfterGcBytes() <= TARGET_HEAP_BYTES, shape));
    out.println(String.format(Locale.ROOT,
        "{\"bench\":\"agent\",\"figure\":\"frames_per_second\",\"value\":%.2f,\"unit\":\"frames/s\","
            + "\"baseline\":\"same_agent_no_devices\",\"baseline_value\":%.2f,%s}",
        sampling.framesPerSecond(), baseline.framesPerSecond(), shape));
    out.flush();
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private Cost measure(SamplerSettings settings, boolean sampling, double runSeconds) {
    CompressedClock time = new CompressedClock(InstantSource.system(), 1, Duration.ofMinutes(5));
    SimulatedNvml sim;
    try {
      sim = SimulatedNvml.open(ScenarioLoader.parse(scenario(gpus), "bench agent", false), "bench-node", time);
    } catch (ScenarioException e) {
      throw new IllegalStateException("the bench's own scenario is invalid: " + e.getMessage(), e);
    }
    Nvml nvml = sampling ? sim : new NoDevices(sim);
    Path recording = null;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try {
      recording = Files.createTempDirectory("headroom-bench-agent");
      var clock = new SimulationTimeClock(time);
      RecordingSink recorder = RecordingSink.open(recording,
          new SegmentIdentity("bench", "bench", "bench-node", clock.instant()), RecordingLimits.DEFAULT, clock);
      AtomicLong frames = new AtomicLong();
      ObservationSink counter = o -> frames.incrementAndGet();
      Set<Long> before = headroomThreads(threads);
      long processCpuStart = os.getProcessCpuTime();
      long wallStart = System.nanoTime();
      Agent agent = Agent.builder(nvml, clock)
          .hostname("bench-node")
          .sampler(settings)
          .attribution(new SimulatedProcessAttributor(List.of(sim)))
          .sink(recorder)
          .sink(counter)
          .reporterPort(0)
          .metricsAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
          .start();
      try {
        Thread.sleep(Math.round(runSeconds * 1000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // Read the agent's threads before close, while they are alive.
      long agentCpu = 0;
      for (long id : headroomThreads(threads)) {
        if (!before.contains(id)) {
          agentCpu += Math.max(0, threads.getThreadCpuTime(id));
        }
      }
      double wall = (System.nanoTime() - wallStart) / 1e9;
      long processCpu = os.getProcessCpuTime() - processCpuStart;
      System.gc();
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      long heap = memory.getHeapMemoryUsage().getUsed();
      agent.close();
      return new Cost(agentCpu, processCpu, wall, heap, frames.get());
    } catch (IOException e) {
      throw new UserInputException("bench agent: cannot write the recording in a temporary folder: " + e.getMessage());
    } finally {
      sim.close();
      deleteQuietly(recording);
    }
  }

  private static Set<Long> headroomThreads(ThreadMXBean threads) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("headroom-"))
        .map(Thread::getId)
        .collect(java.util.stream.Collectors.toSet());
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary folder is not worth failing the bench for.
    }
  }

  /** N H100s, one training process each, with a per-step sawtooth and a run block. */
  static String scenario(int gpus) {
    return """
        name: bench-agent
        seed: 11
        hosts:
          - name: bench-node
            devices:
              - type: H100_80GB_SXM
                count: %d
                processes:
                  - pid: 5000
                    memory:
                      - constant: {bytes: 600MiB}
                      - warmup: {bytes: 40GiB, duration: 1m}
                      - sawtooth: {period: 1.2s, amplitude: 8GiB}
                    noise: 32MiB
                    traffic: {pcieRxBytesPerSecond: 1GB, nvlinkTxBytesPerSecond: 50GB}
                    run:
                      id: bench-run
                      spec: {model: llama-3-8b}
        """.formatted(gpus);
  }

  /** The same host with its GPUs hidden: the agent runs every part but samples nothing. */
  private static final class NoDevices implements Nvml {
    private final Nvml delegate;

    NoDevices(Nvml delegate) {
      this.delegate = delegate;
    }

    @Override
    public DriverInfo driver() {
      return delegate.driver();
    }

    @Override
    public List<DeviceInfo> devices() {
      return List.of();
    }

    @Override
    public List<SkippedDevice> skippedDevices() {
      return List.of();
    }

    @Override
    public Set<NvmlFeature> unsupportedFeatures() {
      return delegate.unsupportedFeatures();
    }

    @Override
    public DeviceSnapshot snapshot(String uuid) throws NvmlException {
      throw new NvmlException("nvmlDeviceGetHandleByUUID", 6, "Not Found");
    }

    @Override
    public Optional<XidEvent> awaitXid(Duration timeout) throws NvmlException {
      return delegate.awaitXid(timeout);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
