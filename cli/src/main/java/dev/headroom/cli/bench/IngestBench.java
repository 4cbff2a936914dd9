package dev.headroom.cli.bench;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.cli.UserInputException;
import dev.headroom.collector.ObservationListener;
import dev.headroom.collector.ingest.InMemoryDeliveryLedger;
import dev.headroom.collector.ingest.IngestConfig;
import dev.headroom.collector.ingest.IngestServer;
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
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code headroom bench ingest}: device reports per second into one collector's ingest server from
 * many concurrent agent connections on loopback. Each simulated agent says hello, then keeps a
 * window of frames in flight and sends more as acknowledgements come back, exactly as the shipper
 * does; the server decodes, checks sequence numbers, maps to records and hands every report to a
 * listener that counts it.
 *
 * <p>The agents' side is made cheap on purpose (the frame body is serialized once; only the
 * sequence varint changes), so the figure is the collector's cost. Baseline, same run: the same
 * frames parsed and mapped to records by one thread with no network at all.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Device reports/s into one ingest server from N concurrent agent connections on loopback,",
      "beside the decode-only rate of the same frames in one thread. Target: >= 500,000/s with 1,000 agents."
    })
public final class IngestBench implements Runnable {
  static final long TARGET_REPORTS_PER_SECOND = 500_000;

  @Option(names = "--agents", paramLabel = "N", defaultValue = "1000",
      description = "Concurrent agent connections (default: ${DEFAULT-VALUE}).")
  int agents;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
      description = "Measured seconds, after the warm-up (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "3",
      description = "Seconds run first and not measured, so the JIT has compiled the path (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--window", paramLabel = "FRAMES", defaultValue = "256",
      description = "Unacknowledged frames each agent keeps in flight (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(names = "--processes", paramLabel = "N", defaultValue = "2",
      description = "Processes listed in each device report; more makes frames larger (default: ${DEFAULT-VALUE}).")
  int processes;

  @Option(names = "--server-threads", paramLabel = "N", defaultValue = "0",
      description = "Ingest worker threads; 0 = Netty's default, twice the cores (default: ${DEFAULT-VALUE}).")
  int serverThreads;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    if (agents < 1 || seconds < 1 || warmupSeconds < 0 || window < 1 || processes < 0) {
      throw new UserInputException("--agents, --seconds and --window must be >= 1; --warmup-seconds and "
          + "--processes >= 0");
    }
    PrintWriter out = spec.commandLine().getOut();
    DeviceReport report = report(processes);
    byte[] body = bodyWithoutSequence(report);

    // Measured before and after the load and averaged: on a shared machine the background changes.
    double baselineBefore = decodeOnlyRate(body, Math.max(1, Math.min(seconds, 3)));

    LongAdder reports = new LongAdder();
    LongAdder checksum = new LongAdder();
    ObservationListener counting = (from, sequence, observation) -> {
      if (observation instanceof DeviceReport d) {
        reports.increment();
        checksum.add(d.usedBytes().last());
      }
    };
    IngestConfig config = IngestConfig.loopback(0).withLimits(1 << 20, agents + 16, Integer.MAX_VALUE);
    EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (IngestServer server = IngestServer.start(config, counting, new InMemoryDeliveryLedger(), serverThreads)) {
      List<Channel> channels = connect(clients, server.address(), body);
      sleep(warmupSeconds);
      long startCount = reports.sum();
      long startNanos = System.nanoTime();
      long startCpu = processCpuNanos();
      sleep(seconds);
      long measured = reports.sum() - startCount;
      double elapsed = (System.nanoTime() - startNanos) / 1e9;
      double cpuSeconds = (processCpuNanos() - startCpu) / 1e9;
      channels.forEach(Channel::close);
      double rate = measured / elapsed;
      double baseline = (baselineBefore + decodeOnlyRate(body, Math.max(1, Math.min(seconds, 3)))) / 2;
      out.println(String.format(Locale.ROOT,
          "{\"bench\":\"ingest\",\"figure\":\"device_reports_per_second\",\"value\":%.0f,\"agents\":%d,"
              + "\"frame_bytes\":%d,\"seconds\":%.1f,\"target\":%d,\"meets_target\":%b,"
              + "\"baseline\":\"decode_only_one_thread\",\"baseline_value\":%.0f,\"ratio_to_baseline\":%.3f,"
              + "\"cores\":%d}",
          rate, channels.size(), body.length + 4, elapsed, TARGET_REPORTS_PER_SECOND,
          rate >= TARGET_REPORTS_PER_SECOND, baseline, rate / baseline, Runtime.getRuntime().availableProcessors()));
      // Per CPU-second, both sides: on a shared, loaded machine this is the steadier comparison.
      out.println(String.format(Locale.ROOT,
          "{\"bench\":\"ingest\",\"figure\":\"device_reports_per_cpu_second\",\"value\":%.0f,"
              + "\"process_cpu_seconds\":%.2f,\"note\":\"includes the simulated agents' CPU\","
              + "\"baseline\":\"decode_only_one_thread_per_cpu_second\",\"baseline_value\":%.0f}",
          measured / cpuSeconds, cpuSeconds, baselinePerCpu()));
      out.println(String.format(Locale.ROOT,
          "{\"bench\":\"ingest\",\"figure\":\"refused_connections\",\"value\":%d,\"duplicates_dropped\":%d,"
              + "\"checksum_nonzero\":%b}",
          server.counters().refusedTooManyConnections() + server.counters().refusedMalformed(),
          server.counters().duplicatesDropped(), checksum.sum() != 0));
      out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private List<Channel> connect(EventLoopGroup group, InetSocketAddress address, byte[] body) throws InterruptedException {
    java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new FrameDecoder(), new FrameEncoder(), new LoadAgent(ids.getAndIncrement(), body, window));
          }
        });
    List<io.netty.channel.ChannelFuture> pending = new ArrayList<>(agents);
    for (int i = 0; i < agents; i++) {
      pending.add(b.connect(address));
    }
    List<Channel> channels = new ArrayList<>(agents);
    for (io.netty.channel.ChannelFuture f : pending) {
      channels.add(f.sync().channel());
    }
    return channels;
  }

  /** One simulated agent: hello, then a sliding window of frames driven by the acknowledgements. */
  private static final class LoadAgent extends SimpleChannelInboundHandler<Frame> {
    private final int id;
    private final byte[] body;
    private final int window;
    private long nextSequence = 1;

    LoadAgent(int id, byte[] body, int window) {
      this.id = id;
      this.body = body;
      this.window = window;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(Frames.hello("bench-agent-" + id, "boot-" + id, "bench-node-" + id, "bench", ""));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
      long acked = frame.hasAck() ? frame.getAck().getSequence() : frame.hasHelloAck() ? 0 : -1;
      if (acked < 0) {
        ctx.close();
        return;
      }
      long upTo = acked + window;
      // Refill only when half the window is free, as a batching agent would: topping up after
      // every small ack would turn the run into one syscall per handful of frames.
      if (upTo - nextSequence + 1 < Math.max(1, window / 2)) {
        return;
      }
      ByteBuf buf = ctx.alloc().buffer((int) (upTo - nextSequence + 1) * (body.length + 16));
      for (; nextSequence <= upTo; nextSequence++) {
        writeFrame(buf, nextSequence, body);
      }
      ctx.writeAndFlush(buf);
    }
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

  private static void writeVarint(ByteBuf out, long v) {
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
    long frames = 0;
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
          sink += ((DeviceReport) o).usedBytes().last();
          if (measuredStart >= 0) {
            frames++;
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
    lastBaselinePerCpu = cpu > 0 ? frames / cpu : 0;
    if (sink == 42) {
      System.out.print(""); // keeps the decoded values alive for the JIT
    }
    return frames / elapsed;
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

  private static double baselinePerCpu() {
    return lastBaselinePerCpu;
  }

  private static long threadCpuNanos() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
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
