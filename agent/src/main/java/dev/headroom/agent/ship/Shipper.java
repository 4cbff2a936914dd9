package dev.headroom.agent.ship;

import dev.headroom.agent.ObservationSink;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.protocol.recording.SegmentIdentity;
import dev.headroom.protocol.wire.FrameDecoder;
import dev.headroom.protocol.wire.FrameEncoder;
import dev.headroom.protocol.wire.Frames;
import dev.headroom.protocol.wire.SerializedObservation;
import dev.headroom.protocol.wire.pb.Frame;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams observations to a collector without losing any: each one gets the next sequence number
 * and goes to a bounded {@link FrameBuffer} on disk first; the network side sends from the buffer
 * and forgets frames only when the collector acknowledges them. After a disconnect it reconnects
 * with exponential backoff and jitter, trying the configured collectors in turn, and replays from
 * the collector's last stored sequence (told in the hello answer), so every frame arrives once and
 * in order.
 *
 * <p>{@link #accept} never blocks on the network and never throws: a buffer write failure (full
 * disk) is logged once per episode and counted. All connection state lives on one event-loop
 * thread. One log line per state change: connected, buffering, replayed N frames, refused.
 */
public final class Shipper implements ObservationSink, Closeable {

  private static final Logger log = LoggerFactory.getLogger(Shipper.class);

  private enum State { CONNECTING, AWAITING_HELLO_ACK, STREAMING, WAITING, CLOSED }

  private final ShipperConfig config;
  private final FrameBuffer buffer;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final Backoff backoff;
  private final AtomicBoolean pumpScheduled = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong bufferWriteFailures = new AtomicLong();
  private final AtomicLong framesSent = new AtomicLong();
  private final AtomicLong disconnections = new AtomicLong();
  private volatile long acknowledged;
  private volatile boolean bufferFailing;
  private volatile CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile long drainTarget = Long.MAX_VALUE;
  // Event-loop state.
  private State state = State.CONNECTING;
  private Channel channel;
  private FrameBuffer.Cursor cursor;
  private int addressIndex;
  private boolean reportedUnreachable;
  private long replayUpTo;
  private long replayCount;
  private long connections;
  private String lastRefusal;

  private Shipper(ShipperConfig config, FrameBuffer buffer, EventLoopGroup group, RandomGenerator random) {
    this.config = config;
    this.buffer = buffer;
    this.group = group;
    this.loop = group.next();
    this.backoff = new Backoff(config.initialBackoff(), config.maxBackoff(), random);
  }

  /** Opens the buffer and starts connecting in the background. */
  public static Shipper start(ShipperConfig config, InstantSource clock, RandomGenerator random) throws IOException {
    FrameBuffer buffer = new FrameBuffer(config.bufferDirectory(),
        new SegmentIdentity(config.agentId(), config.bootId(), config.hostname(), clock.instant()),
        config.bufferLimits(), clock);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Shipper shipper = new Shipper(config, buffer, group, random);
    shipper.loop.execute(shipper::connect);
    return shipper;
  }

  @Override
  public void accept(Observation observation) {
    try {
      buffer.append(observation);
      if (bufferFailing) {
        bufferFailing = false;
        log.info("shipper buffer in {} writable again ({} observations lost meanwhile)",
            config.bufferDirectory(), bufferWriteFailures.get());
      }
    } catch (IOException | RuntimeException e) {
      bufferWriteFailures.incrementAndGet();
      if (!bufferFailing) {
        bufferFailing = true;
        log.error("shipper buffer in {} cannot be written ({}); observations are not shipped until it can",
            config.bufferDirectory(), e.getMessage());
      }
      return;
    }
    schedulePump();
  }

  /** Highest sequence the collector acknowledged. */
  public long acknowledgedSequence() {
    return acknowledged;
  }

  /**
   * Times a connection to a collector ended. After it moves past a known value, nothing more can
   * be acknowledged on the connection that ended (acknowledgements read before the close were
   * applied first, on the same event loop).
   */
  public long disconnections() {
    return disconnections.get();
  }

  /** Highest sequence handed out so far. */
  public long lastSequence() {
    return buffer.lastSequence();
  }

  /** Frames dropped from a full buffer while the collector was away (oldest first). */
  public long droppedFrames() {
    return buffer.droppedFrames();
  }

  /** Observations that could not even be buffered (disk full). */
  public long bufferWriteFailures() {
    return bufferWriteFailures.get();
  }

  public long framesSent() {
    return framesSent.get();
  }

  /**
   * Waits until the collector acknowledged everything accepted so far, or the timeout passed.
   *
   * @return true when everything was acknowledged
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    long target = buffer.lastSequence();
    if (acknowledged >= target) {
      return true;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(() -> {
      drainTarget = target;
      drained = done;
      if (acknowledged >= target) {
        done.complete(null);
      }
    });
    try {
      done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Stops shipping (idempotent); unacknowledged frames stay in the buffer directory until the next start clears it. */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    loop.submit(() -> {
      state = State.CLOSED;
      if (channel != null) {
        channel.close();
      }
    }).syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    if (cursor != null) {
      cursor.close();
    }
    buffer.close();
  }

  private void schedulePump() {
    if (pumpScheduled.compareAndSet(false, true)) {
      loop.execute(() -> {
        pumpScheduled.set(false);
        pump();
      });
    }
  }

  private void pump() {
    if (state != State.STREAMING || !channel.isWritable()) {
      return;
    }
    int written = 0;
    try {
      SerializedObservation frame;
      while (channel.isWritable() && (frame = cursor.next()) != null) {
        channel.write(frame);
        written++;
      }
    } catch (IOException e) {
      log.error("shipper buffer in {} unreadable ({}); reconnecting to replay from the last ack",
          config.bufferDirectory(), e.getMessage());
      channel.close();
    }
    if (written > 0) {
      framesSent.addAndGet(written);
      channel.flush();
    }
  }

  private InetSocketAddress address() {
    return config.collectors().get(addressIndex);
  }

  private void connect() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CONNECTING;
    InetSocketAddress target = address();
    Bootstrap b = new Bootstrap()
        .group(loop)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.helloTimeout().toMillis()))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            config.tls().ifPresent(tls ->
                ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), target.getHostString(), target.getPort())));
            ch.pipeline().addLast("frames", new FrameDecoder());
            ch.pipeline().addLast("encoder", new FrameEncoder());
            ch.pipeline().addLast("session", new CollectorHandler(target));
          }
        });
    ChannelFuture f = b.connect(target);
    channel = f.channel();
    f.addListener(done -> {
      if (!done.isSuccess()) {
        disconnected(target, "cannot connect: " + message(done.cause()));
      }
    });
  }

  private void disconnected(InetSocketAddress from, String reason) {
    if (state == State.CLOSED || state == State.WAITING) {
      return;
    }
    boolean wasStreaming = state == State.STREAMING;
    state = State.WAITING;
    disconnections.incrementAndGet();
    if (cursor != null) {
      try {
        cursor.close();
      } catch (IOException e) {
        log.debug("closing buffer cursor", e);
      }
      cursor = null;
    }
    long pending = buffer.lastSequence() - acknowledged;
    if (reason.startsWith("refused: ")) {
      // Once per reason: a collector that keeps refusing the token is one state, not a log flood.
      if (!reason.equals(lastRefusal)) {
        log.error("collector {} {}; buffering to disk and retrying, {} frames not yet acknowledged", from, reason,
            pending);
      } else {
        log.debug("collector {} still refuses: {}", from, reason);
      }
      lastRefusal = reason;
    } else if (wasStreaming) {
      log.warn("lost collector {} ({}); buffering to disk, {} frames not yet acknowledged", from, reason, pending);
    } else if (!reportedUnreachable) {
      log.warn("collector {} unreachable ({}); buffering to disk, {} frames not yet acknowledged", from, reason, pending);
    } else {
      log.debug("collector {} still unreachable: {}", from, reason);
    }
    reportedUnreachable = true;
    addressIndex = (addressIndex + 1) % config.collectors().size();
    Duration delay = backoff.next();
    loop.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void helloAcknowledged(InetSocketAddress target, long collectorLast) {
    if (collectorLast > buffer.lastSequence()) {
      // The collector knows more of this boot than we ever sent: not our stream.
      log.error("collector {} claims frame {} of boot {}, but this agent sent only {}; closing",
          target, collectorLast, config.bootId(), buffer.lastSequence());
      channel.close();
      return;
    }
    acknowledge(Math.max(acknowledged, collectorLast));
    state = State.STREAMING;
    backoff.reset();
    reportedUnreachable = false;
    lastRefusal = null;
    connections++;
    long pending = buffer.lastSequence() - acknowledged;
    if (pending > 0) {
      replayUpTo = buffer.lastSequence();
      replayCount = pending;
      log.info("connected to collector {}; replaying {} buffered frames", target, pending);
    } else {
      replayUpTo = 0;
      log.info("connected to collector {}{}", target, connections > 1 ? " again; nothing to replay" : "");
    }
    cursor = buffer.cursorFrom(acknowledged + 1);
    pump();
  }

  private void acknowledge(long sequence) {
    if (sequence <= acknowledged) {
      return;
    }
    acknowledged = sequence;
    try {
      buffer.acknowledge(sequence);
    } catch (IOException e) {
      log.warn("could not delete acknowledged buffer segments in {}: {}", config.bufferDirectory(), e.getMessage());
    }
    if (replayUpTo > 0 && sequence >= replayUpTo) {
      log.info("replayed {} frames to collector {}", replayCount, address());
      replayUpTo = 0;
    }
    if (sequence >= drainTarget) {
      drained.complete(null);
    }
  }

  private static String message(Throwable t) {
    return t == null ? "unknown" : t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** The collector side of one connection; runs on the shipper's event loop. */
  private final class CollectorHandler extends SimpleChannelInboundHandler<Frame> {
    private final InetSocketAddress target;
    private String closeReason = "connection closed by the collector";

    CollectorHandler(InetSocketAddress target) {
      this.target = target;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      state = State.AWAITING_HELLO_ACK;
      ctx.writeAndFlush(Frames.hello(config.agentId(), config.bootId(), config.hostname(), config.agentVersion(),
          config.token()));
      ctx.executor().schedule(() -> {
        if (state == State.AWAITING_HELLO_ACK && ctx.channel() == channel) {
          closeReason = "no answer to the hello within " + config.helloTimeout().toMillis() + " ms";
          ctx.close();
        }
      }, config.helloTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
      switch (frame.getBodyCase()) {
        case HELLO_ACK -> helloAcknowledged(target, frame.getHelloAck().getLastSequence());
        case ACK -> acknowledge(frame.getAck().getSequence());
        case ERROR -> closeReason = "refused: " + frame.getError().getCode() + ": " + frame.getError().getMessage();
        default -> {
          closeReason = "collector sent an unexpected " + frame.getBodyCase() + " frame";
          ctx.close();
        }
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      pump();
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (ctx.channel() == channel) {
        disconnected(target, closeReason);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      closeReason = "collector speaks something else: " + message(cause);
      if (cause instanceof IOException) {
        closeReason = message(cause);
      }
      ctx.close();
    }
  }
}
