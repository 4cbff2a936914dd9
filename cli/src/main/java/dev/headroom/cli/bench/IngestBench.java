package dev.headroom.cli.bench;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.cli.UserInputException;
import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.Collector;
import dev.headroom.collector.CollectorConfig;
import dev.headroom.collector.ObservationListener;
import dev.headroom.collector.ingest.InMemoryDeliveryLedger;
import dev.headroom.collector.ingest.IngestConfig;
import dev.headroom.collector.ingest.IngestCounters;
import dev.headroom.collector.ingest.IngestServer;
import dev.headroom.collector.runs.PredictedPeaks;
import dev.headroom.collector.runs.RunObservationListener;
import dev.headroom.protocol.wire.FrameDecoder;
import dev.headroom.protocol.wire.FrameEncoder;
import dev.headroom.protocol.wire.Frames;
import dev.headroom.protocol.wire.MalformedFrameException;
import dev.headroom.protocol.wire.ObservationMapping;
import dev.headroom.protocol.wire.pb.Frame;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code headroom bench ingest}: device reports per second, and the device samples behind them,
 * into one collector from many concurrent agent connections on loopback.
 *
 * <p>The headline is the <b>whole collector</b> ({@link Collector} on a temporary data folder with
 * its standard listeners: run registry, per-run recordings, SQLite catalog, alert engine and log
 * sink, HTTP side up): every frame is attributed to its run, written to the run's recording before
 * it is acknowledged, and every device report goes through the detectors. Beside it, measured in the
 * same run: the ingest server alone with a listener that only counts (the network and protocol
 * share of the cost), and the same frames parsed and mapped by one thread with no network at all.
 *
 * <p>Each simulated agent is an 8-GPU node ({@link SimulatedNode}): it declares its run, then per
 * simulated second and GPU sends a device report (min/max/last over 10 samples), an allocator sample
 * and a step mark, keeping a window of frames in flight and refilling as acknowledgements come back,
 * as the shipper does. Agents send as fast as the collector acknowledges, so the figure is the
 * collector's capacity; their simulated clocks run faster than real time.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Device reports/s and device samples/s into one whole collector from many agents on loopback.",
      "The whole collector (run registry, per-run recordings, SQLite catalog, alert engine) is measured beside "
          + "the ingest server alone with a counting listener, and beside a one-thread decode-only baseline of "
          + "the same frames. Each agent is an 8-GPU node sending, per GPU and simulated second, a device report "
          + "(min/max/last over 10 samples), an allocator sample and a step mark. "
          + "Target: at least 500,000 device samples/s with 1,000 agents."
    })
public final class IngestBench implements Runnable {
  static final long TARGET_SAMPLES_PER_SECOND = 500_000;

  @Option(names = "--agents", paramLabel = "N", defaultValue = "1000",
      description = "Concurrent agent connections, one 8-GPU node each (default: ${DEFAULT-VALUE}).")
  int agents;

  @Option(names = "--gpus", paramLabel = "N", defaultValue = "8",
      description = "GPUs per agent (default: ${DEFAULT-VALUE}).")
  int gpus;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
      description = "Measured seconds per path, after the warm-up (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "5",
      description = "Seconds run first and not measured, so the JIT has compiled the path (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--window", paramLabel = "FRAMES", defaultValue = "256",
      description = "Unacknowledged frames each agent keeps in flight (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(names = "--path", paramLabel = "WHICH", defaultValue = "both",
      description = "What to measure: collector (the whole collector), ingest (ingest server with a counting "
          + "listener) or both (default: ${DEFAULT-VALUE}). The decode-only baseline always runs.")
  String path;

  @Option(names = "--server-threads", paramLabel = "N", defaultValue = "0",
      description = "Ingest worker threads of the ingest-only server; 0 = Netty's default, twice the cores "
          + "(default: ${DEFAULT-VALUE}). The whole collector uses its own default.")
  int serverThreads;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** What one measured load phase saw. */
  record Measured(double seconds, long frames, long deviceReports, long deviceSamples, double processCpuSeconds,
      double agentCpuSeconds) {
    double reportsPerSecond() {
      return deviceReports / seconds;
    }

    double samplesPerSecond() {
      return deviceSamples / seconds;
    }

    double framesPerSecond() {
      return frames / seconds;
    }

    /** Device reports per CPU-second spent outside the simulated agents' thread. */
    double reportsPerServerCpuSecond() {
      double server = processCpuSeconds - agentCpuSeconds;
      return server > 0 ? deviceReports / server : 0;
    }
  }

  /** Counts what reaches the end of the path: frames, device reports and the samples behind them. */
  static final class Tally {
    final LongAdder frames = new LongAdder();
    final LongAdder reports = new LongAdder();
    final LongAdder samples = new LongAdder();

    void count(Observation observation) {
      frames.increment();
      if (observation instanceof DeviceReport d) {
        reports.increment();
        samples.add(d.sampleCount());
      }
    }
  }

  @Override
  public void run() {
    if (agents < 1 || gpus < 1 || seconds < 1 || warmupSeconds < 0 || window < 2) {
      throw new UserInputException("--agents, --gpus and --seconds must be >= 1, --window >= 2 and "
          + "--warmup-seconds >= 0");
    }
    if (!List.of("collector", "ingest", "both").contains(path)) {
      throw new UserInputException("--path must be collector, ingest or both, was '" + path + "'");
    }
    PrintWriter out = spec.commandLine().getOut();
    Instant start = Instant.now().minusSeconds(600);
    List<SimulatedNode> nodes = new ArrayList<>(agents);
    for (int i = 0; i < agents; i++) {
      nodes.add(new SimulatedNode(i, gpus, start));
    }
    int baselineSeconds = Math.max(1, Math.min(seconds, 3));
    // Measured before and after the load and averaged: on a shared machine the background changes.
    double[] baselineBefore = decodeOnlyRates(nodes.get(0), baselineSeconds);
    String mix = String.format(Locale.ROOT, "per GPU per simulated second: 1 device report (%d samples), "
        + "1 allocator sample, 1 step mark; %d GPUs per agent", SimulatedNode.SAMPLES_PER_REPORT, gpus);
    try {
      Optional<CollectorResult> result =
          path.equals("ingest") ? Optional.empty() : Optional.of(measureCollector(nodes));
      Optional<Measured> whole = result.map(CollectorResult::measured);
      String checks = result.map(CollectorResult::checks).orElse("");
      Optional<Measured> ingestOnly =
          path.equals("collector") ? Optional.empty() : Optional.of(measureIngestOnly(nodes));
      double[] baselineAfter = decodeOnlyRates(nodes.get(0), baselineSeconds);
      double baselineReports = (baselineBefore[0] + baselineAfter[0]) / 2;
      double baselinePerCpu = (baselineBefore[1] + baselineAfter[1]) / 2;
      double ingestReports = ingestOnly.map(Measured::reportsPerSecond).orElse(Double.NaN);
      int cores = Runtime.getRuntime().availableProcessors();
      whole.ifPresent(m -> {
        out.println(String.format(Locale.ROOT,
            "{\"bench\":\"ingest\",\"figure\":\"collector_device_samples_per_second\",\"value\":%.0f,"
                + "\"samples_per_report\":%d,\"agents\":%d,\"gpus_per_agent\":%d,\"seconds\":%.1f,"
                + "\"target\":%d,\"meets_target\":%b,\"baseline\":\"decode_only_one_thread_samples\","
                + "\"baseline_value\":%.0f,\"cores\":%d}",
            m.samplesPerSecond(), SimulatedNode.SAMPLES_PER_REPORT, agents, gpus, m.seconds(),
            TARGET_SAMPLES_PER_SECOND, m.samplesPerSecond() >= TARGET_SAMPLES_PER_SECOND,
            baselineReports * SimulatedNode.SAMPLES_PER_REPORT, cores));
        out.println(String.format(Locale.ROOT,
            "{\"bench\":\"ingest\",\"figure\":\"collector_device_reports_per_second\",\"value\":%.0f,"
                + "\"note\":\"one report = min/max/last over %d samples of one GPU\","
                + "\"baseline\":\"ingest_server_only_counting_listener\",\"baseline_value\":%.0f,"
                + "\"ratio_to_baseline\":%.3f,\"decode_only_one_thread\":%.0f}",
            m.reportsPerSecond(), SimulatedNode.SAMPLES_PER_REPORT, ingestReports, m.reportsPerSecond() / ingestReports,
            baselineReports));
        out.println(String.format(Locale.ROOT,
            "{\"bench\":\"ingest\",\"figure\":\"collector_frames_per_second\",\"value\":%.0f,"
                + "\"mix\":\"%s\",\"baseline\":\"ingest_server_only_frames\",\"baseline_value\":%.0f}",
            m.framesPerSecond(), mix, ingestOnly.map(Measured::framesPerSecond).orElse(Double.NaN)));
        out.println(String.format(Locale.ROOT,
            "{\"bench\":\"ingest\",\"figure\":\"collector_device_reports_per_server_cpu_second\","
                + "\"value\":%.0f,\"process_cpu_seconds\":%.2f,\"agents_cpu_seconds\":%.2f,"
                + "\"baseline\":\"decode_only_one_thread_per_cpu_second\",\"baseline_value\":%.0f}",
            m.reportsPerServerCpuSecond(), m.processCpuSeconds(), m.agentCpuSeconds(), baselinePerCpu));
      });
      ingestOnly.ifPresent(m -> {
        out.println(String.format(Locale.ROOT,
            "{\"bench\":\"ingest\",\"figure\":\"ingest_only_device_reports_per_second\",\"value\":%.0f,"
                + "\"agents\":%d,\"seconds\":%.1f,\"baseline\":\"decode_only_one_thread\","
                + "\"baseline_value\":%.0f,\"ratio_to_baseline\":%.3f}",
            m.reportsPerSecond(), agents, m.seconds(), baselineReports, m.reportsPerSecond() / baselineReports));
        out.println(String.format(Locale.ROOT,
            "{\"bench\":\"ingest\",\"figure\":\"ingest_only_device_reports_per_server_cpu_second\","
                + "\"value\":%.0f,\"process_cpu_seconds\":%.2f,\"agents_cpu_seconds\":%.2f,"
                + "\"baseline\":\"decode_only_one_thread_per_cpu_second\",\"baseline_value\":%.0f}",
            m.reportsPerServerCpuSecond(), m.processCpuSeconds(), m.agentCpuSeconds(), baselinePerCpu));
      });
      if (!checks.isEmpty()) {
        out.println(checks);
      }
      out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (IOException e) {
      throw new IllegalStateException("bench collector failed: " + e.getMessage(), e);
    }
  }

  private record CollectorResult(Measured measured, String checks) {}

  /** The whole collector on a temporary data folder, deleted afterwards. */
  private CollectorResult measureCollector(List<SimulatedNode> nodes) throws IOException, InterruptedException {
    Path dataDir = Files.createTempDirectory("headroom-bench-ingest-");
    try {
      CollectorConfig config = CollectorConfig.defaults(dataDir)
          .withListen(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0));
      long gib = 1L << 30;
      // The prediction is computed once per run at its declaration; a fixed one keeps the bench
      // about ingest (the deviation detector still compares every report against it).
      try (Collector collector = Collector.start(config,
          spec -> PredictedPeaks.of(70 * gib, 60 * gib, 64 * gib, "bench prediction"), Clock.systemUTC())) {
        Tally tally = new Tally();
        collector.registry().addListener(new RunObservationListener() {
          @Override
          public void onRunObservation(AgentIdentity from, long sequence, Observation observation, List<String> runIds) {
            tally.count(observation);
          }
        });
        Measured m = load(collector.ingestAddress(), nodes, tally);
        IngestCounters c = collector.ingest().orElseThrow().counters();
        String checks = String.format(Locale.ROOT,
            "{\"bench\":\"ingest\",\"figure\":\"collector_checks\",\"runs\":%d,\"active_alerts\":%d,"
                + "\"refused_connections\":%d,\"duplicates_dropped\":%d,\"recorded_bytes\":%d}",
            collector.registry().runs().size(), collector.alerts().activeAlerts().size(),
            c.refusedTooManyConnections() + c.refusedMalformed(), c.duplicatesDropped(),
            collector.recordings().totalBytes());
        return new CollectorResult(m, checks);
      }
    } finally {
      deleteTree(dataDir);
    }
  }

  private Measured measureIngestOnly(List<SimulatedNode> nodes) throws InterruptedException {
    Tally tally = new Tally();
    ObservationListener counting = (from, sequence, observation) -> tally.count(observation);
    IngestConfig config = IngestConfig.loopback(0).withLimits(1 << 20, agents + 16, Integer.MAX_VALUE);
    try (IngestServer server = IngestServer.start(config, counting, new InMemoryDeliveryLedger(), serverThreads)) {
      return load(server.address(), nodes, tally);
    }
  }

  /** Connects every agent, warms up, measures, disconnects. */
  private Measured load(InetSocketAddress address, List<SimulatedNode> nodes, Tally tally) throws InterruptedException {
    EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      long agentThread = clients.submit(() -> Thread.currentThread().getId()).sync().getNow();
      List<Channel> channels = connect(clients, address, nodes);
      sleep(warmupSeconds);
      long frames0 = tally.frames.sum();
      long reports0 = tally.reports.sum();
      long samples0 = tally.samples.sum();
      long startNanos = System.nanoTime();
      long startCpu = processCpuNanos();
      long startAgentCpu = threadCpuNanos(agentThread);
      sleep(seconds);
      long frames = tally.frames.sum() - frames0;
      long reports = tally.reports.sum() - reports0;
      long samples = tally.samples.sum() - samples0;
      double elapsed = (System.nanoTime() - startNanos) / 1e9;
      double cpu = (processCpuNanos() - startCpu) / 1e9;
      double agentCpu = (threadCpuNanos(agentThread) - startAgentCpu) / 1e9;
      for (Channel ch : channels) {
        ch.close();
      }
      return new Measured(elapsed, frames, reports, samples, cpu, agentCpu);
    } finally {
      clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private List<Channel> connect(EventLoopGroup group, InetSocketAddress address, List<SimulatedNode> nodes)
      throws InterruptedException {
    AtomicInteger ids = new AtomicInteger();
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            int id = ids.getAndIncrement();
            ch.pipeline().addLast(new FrameDecoder(), new FrameEncoder(), new LoadAgent(id, nodes.get(id), window));
          }
        });
    List<io.netty.channel.ChannelFuture> pending = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      pending.add(b.connect(address));
    }
    List<Channel> channels = new ArrayList<>(nodes.size());
    for (io.netty.channel.ChannelFuture f : pending) {
      channels.add(f.sync().channel());
    }
    return channels;
  }

  /** One simulated agent: hello, then a sliding window of frames driven by the acknowledgements. */
  private static final class LoadAgent extends SimpleChannelInboundHandler<Frame> {
    private final int id;
    private final SimulatedNode node;
    private final int window;
    private long nextSequence = 1;
    private long acked;

    LoadAgent(int id, SimulatedNode node, int window) {
      this.id = id;
      this.node = node;
      this.window = window;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      // A fresh boot id per connection: each measured path starts from sequence 1.
      ctx.writeAndFlush(Frames.hello("bench-agent-" + id, "boot-" + id + "-" + System.nanoTime(), node.hostname(),
          "bench", ""));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
      if (frame.hasAck()) {
        acked = Math.max(acked, frame.getAck().getSequence());
      } else if (!frame.hasHelloAck()) {
        ctx.close();
        return;
      }
      long upTo = acked + window;
      // Refill only when half the window is free, as a batching agent would: topping up after
      // every small ack would turn the run into one syscall per handful of frames.
      if (upTo - nextSequence + 1 < Math.max(1, window / 2)) {
        return;
      }
      ByteBuf buf = ctx.alloc().buffer((int) (upTo - nextSequence + 1) * 256);
      for (; nextSequence <= upTo; nextSequence++) {
        node.write(buf, nextSequence);
      }
      ctx.writeAndFlush(buf);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete the bench's data folder " + dir + ": " + e.getMessage());
    }
  }

  /** Reports/s and reports per CPU-second when one thread parses and maps a node's frame stream. */
  static double[] decodeOnlyRates(SimulatedNode node, int seconds) {
    ByteBuf buf = io.netty.buffer.Unpooled.buffer();
    for (byte[] frame : node.frames(1 + 24 * node.framesPerSecond())) {
      writeVarint(buf, frame.length);
      buf.writeBytes(frame);
    }
    byte[] stream = new byte[buf.readableBytes()];
    buf.readBytes(stream);
    double rate = decodeStreamRate(stream, seconds);
    return new double[] {rate, lastBaselinePerCpu};
  }

  /** Frame{observation = ObservationFrame{sequence, device_report = body}} in wire form. */
  static void writeFrame(ByteBuf out, long sequence, byte[] body) {
    int seqBytes = varintSize(sequence);
    int observationBytes = 1 + seqBytes + body.length;
    int frameBytes = 1 + varintSize(observationBytes) + observationBytes;
    writeVarint(out, frameBytes);
    out.writeByte((Frame.OBSERVATION_FIELD_NUMBER << 3) | 2);
    writeVarint(out, observationBytes);
    out.writeByte(0x08); // ObservationFrame.sequence, varint
    writeVarint(out, sequence);
    out.writeBytes(body);
  }

  private static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  static void writeVarint(ByteBuf out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  /** The ObservationFrame bytes of {@code report} after the sequence field (which protobuf writes first). */
  static byte[] bodyWithoutSequence(DeviceReport report) {
    byte[] full = ObservationMapping.toFrame(1, report).toByteArray();
    if (full[0] != 0x08 || full[1] != 0x01) {
      throw new IllegalStateException("unexpected ObservationFrame layout");
    }
    return java.util.Arrays.copyOfRange(full, 2, full.length);
  }

  /** Reports/s when one thread only parses and maps the same frames (no network, no listener). */
  static double decodeOnlyRate(byte[] body, int seconds) {
    ByteBuf buf = io.netty.buffer.Unpooled.buffer();
    for (long s = 1; s <= 1024; s++) {
      writeFrame(buf, s, body);
    }
    byte[] stream = new byte[buf.readableBytes()];
    buf.readBytes(stream);
    return decodeStreamRate(stream, seconds);
  }

  /** Device reports/s when one thread parses and maps every frame of {@code stream} over and over. */
  private static double decodeStreamRate(byte[] stream, int seconds) {
    long reports = 0;
    long sink = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1 + seconds);
    long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    long measuredStart = -1;
    long measuredStartCpu = 0;
    try {
      while (System.nanoTime() < deadline) {
        com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(stream);
        while (!in.isAtEnd()) {
          int length = in.readRawVarint32();
          int limit = in.pushLimit(length);
          Frame f = Frame.parseFrom(in);
          in.popLimit(limit);
          Observation o = ObservationMapping.fromFrame(f.getObservation()).observation();
          if (o instanceof DeviceReport d) {
            sink += d.usedBytes().last();
            if (measuredStart >= 0) {
              reports++;
            }
          }
        }
        if (measuredStart < 0 && System.nanoTime() >= measureFrom) {
          measuredStart = System.nanoTime();
          measuredStartCpu = threadCpuNanos();
        }
      }
    } catch (java.io.IOException | MalformedFrameException e) {
      throw new IllegalStateException("bench frames do not decode", e);
    }
    double elapsed = (System.nanoTime() - measuredStart) / 1e9;
    double cpu = (threadCpuNanos() - measuredStartCpu) / 1e9;
    lastBaselinePerCpu = cpu > 0 ? reports / cpu : 0;
    if (sink == 42) {
      System.out.print(""); // keeps the decoded values alive for the JIT
    }
    return reports / elapsed;
  }

  static DeviceReport report(int processCount) {
    long gib = 1L << 30;
    Instant at = Instant.parse("2026-12-01T08:00:00Z");
    List<ProcessReport> procs = new ArrayList<>();
    for (int i = 0; i < processCount; i++) {
      procs.add(new ProcessReport(4000 + i, Optional.of("python"), Optional.of("trainer"), Optional.empty(),
          new Stats(30 * gib, 31 * gib, 30 * gib + i), true));
    }
    return new DeviceReport("bench-node", "GPU-00000000-1111-2222-3333-444444444444", 0, "NVIDIA H100 80GB HBM3",
        at.minusSeconds(1), at, 10, DeviceState.OK, 80 * gib, 512L << 20, new Stats(60 * gib, 71 * gib, 65 * gib),
        procs, Optional.of(new Stats(90, 100, 97)), Optional.of(Stats.of(1_000_000)), Optional.of(Stats.of(2_000_000)),
        Optional.empty(), Optional.empty(), Optional.of(new Stats(60, 71, 70)), Optional.of(new Stats(300_000, 700_000, 650_000)));
  }

  /** Decode-only reports per CPU-second of the last {@link #decodeOnlyRate} run. */
  private static volatile double lastBaselinePerCpu;

  private static long threadCpuNanos() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private static long threadCpuNanos(long threadId) {
    return Math.max(0, java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(threadId));
  }

  private static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static void sleep(int s) throws InterruptedException {
    Thread.sleep(TimeUnit.SECONDS.toMillis(s));
  }
}
