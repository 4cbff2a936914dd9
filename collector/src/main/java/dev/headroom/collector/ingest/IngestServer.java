package dev.headroom.collector.ingest;

import dev.headroom.collector.ObservationListener;
import dev.headroom.protocol.wire.FrameDecoder;
import dev.headroom.protocol.wire.FrameEncoder;
import dev.headroom.protocol.wire.Frames;
import dev.headroom.protocol.wire.pb.Error;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's TCP endpoint for agents. Pipeline per connection: connection limit → TLS (when
 * configured) → {@link FrameDecoder} (frame size limit) → {@link FrameEncoder} → {@link
 * AgentSessionHandler} (hello, token, duplicates, rate, listener, acks).
 *
 * <p>A connection that misbehaves (garbage bytes, an oversized frame, a wrong token or protocol
 * version, no hello in time) gets an Error frame naming the reason and is closed; the reason is
 * logged and counted in {@link #counters()}; other connections are not affected.
 */
public final class IngestServer implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(IngestServer.class);

  private final IngestConfig config;
  private final IngestCounters counters;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final Channel serverChannel;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private IngestServer(IngestConfig config, IngestCounters counters, EventLoopGroup boss, EventLoopGroup workers,
      Channel channel) {
    this.config = config;
    this.counters = counters;
    this.bossGroup = boss;
    this.workerGroup = workers;
    this.serverChannel = channel;
  }

  /** Binds and starts accepting; throws if the address cannot be bound. */
  public static IngestServer start(IngestConfig config, ObservationListener listener, DeliveryLedger ledger)
      throws InterruptedException {
    return start(config, listener, ledger, 0);
  }

  /** As {@link #start(IngestConfig, ObservationListener, DeliveryLedger)} with a worker thread count (0: Netty's default). */
  public static IngestServer start(IngestConfig config, ObservationListener listener, DeliveryLedger ledger,
      int workerThreads) throws InterruptedException {
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(workerThreads, NioIoHandler.newFactory());
    IngestCounters counters = new IngestCounters();
    AgentRateLimiter rateLimiter = new AgentRateLimiter(config.maxFramesPerSecondPerAgent(), System::nanoTime);
    SessionRegistry sessions = new SessionRegistry();
    StorageFailures storageFailures = new StorageFailures();
    ConnectionLimit limit = new ConnectionLimit(config.maxConnections(), counters);
    FrameEncoder encoder = new FrameEncoder();
    try {
      ServerBootstrap b = new ServerBootstrap()
          .group(boss, workers)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_REUSEADDR, true)
          .option(ChannelOption.SO_BACKLOG, 2048)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast("limit", limit);
              config.tls().ifPresent(tls -> ch.pipeline().addLast("tls", tls.newHandler(ch.alloc())));
              ch.pipeline().addLast("frames", new FrameDecoder(config.maxFrameBytes(), true));
              ch.pipeline().addLast("encoder", encoder);
              ch.pipeline().addLast("session",
                  new AgentSessionHandler(config, listener, ledger, counters, rateLimiter, sessions,
                      storageFailures));
            }
          });
      Channel channel = b.bind(config.listen()).sync().channel();
      IngestServer server = new IngestServer(config, counters, boss, workers, channel);
      log.info("ingest listening on {}{}{}", channel.localAddress(), config.tls().isPresent() ? " (TLS)" : "",
          config.token().isEmpty() ? " without a token" : "");
      return server;
    } catch (RuntimeException | InterruptedException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  /** The bound address (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  public IngestCounters counters() {
    return counters;
  }

  public IngestConfig config() {
    return config;
  }

  /** Stops listening and closes every connection; frames not yet acknowledged will be replayed. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    serverChannel.close().syncUninterruptibly();
    workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Refuses connections above the limit with a reason, before any TLS or decoding work. */
  @ChannelHandler.Sharable
  static final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    private final int max;
    private final IngestCounters counters;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimit(int max, IngestCounters counters) {
      this.max = max;
      this.counters = counters;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (open.incrementAndGet() > max) {
        counters.refusedTooManyConnections.increment();
        log.warn("connection from {} refused: already {} agent connections (limit)", ctx.channel().remoteAddress(), max);
        // Written below TLS on purpose: a refused peer gets the plain reason and the socket closes.
        ctx.pipeline().remove("session");
        ctx.pipeline().remove("frames");
        if (ctx.pipeline().get("tls") != null) {
          ctx.pipeline().remove("tls");
        }
        // Through the whole pipeline: the encoder sits after this handler.
        ctx.channel().writeAndFlush(Frames.error(Error.Code.TOO_MANY_CONNECTIONS, "collector has " + max + " connections"))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      counters.connectionsAccepted.increment();
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      open.decrementAndGet();
      ctx.fireChannelInactive();
    }
  }
}
