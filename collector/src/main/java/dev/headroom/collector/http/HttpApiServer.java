package dev.headroom.collector.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's HTTP server (Netty): GET only, small requests, answers from {@link
 * DashboardRoutes}. Rendering a chart takes milliseconds, so answers are built on the event loop;
 * a dashboard is polled by a handful of people, not by the fleet.
 */
public final class HttpApiServer implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(HttpApiServer.class);
  private static final int MAX_REQUEST_BYTES = 16 * 1024;

  private final EventLoopGroup group;
  private final Channel channel;

  private HttpApiServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /**
   * Binds and starts serving.
   *
   * @param bind where to listen; 127.0.0.1 unless the operator asked for more
   * @throws java.io.UncheckedIOException naming the address when it cannot be bound
   */
  public static HttpApiServer start(InetSocketAddress bind, DashboardRoutes routes) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Handler handler = new Handler(routes);
    try {
      Channel channel = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline()
                  .addLast(new HttpServerCodec())
                  .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                  .addLast(handler);
            }
          })
          .bind(bind)
          .sync()
          .channel();
      log.info("dashboard and API on http://{}:{}/", bind.getHostString(),
          ((InetSocketAddress) channel.localAddress()).getPort());
      return new HttpApiServer(group, channel);
    } catch (InterruptedException e) {
      group.shutdownGracefully();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding the HTTP server to " + bind, e);
    } catch (Exception e) {
      // Netty's sync() rethrows the bind's checked BindException undeclared, hence Exception.
      group.shutdownGracefully();
      throw new java.io.UncheckedIOException(
          new java.io.IOException("cannot listen for HTTP on " + bind + ": " + e.getMessage(), e));
    }
  }

  /** The bound address (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
  }

  @ChannelHandler.Sharable
  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final DashboardRoutes routes;

    Handler(DashboardRoutes routes) {
      this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      HttpAnswer answer;
      if (!request.decoderResult().isSuccess()) {
        answer = HttpAnswer.text(400, "malformed HTTP request\n");
      } else if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
        answer = HttpAnswer.text(405, "only GET is served here, not " + request.method() + "\n");
      } else {
        QueryStringDecoder decoder = new QueryStringDecoder(request.uri());
        String rawPath = request.uri().split("\\?", 2)[0];
        Map<String, String> query = new HashMap<>();
        for (Map.Entry<String, List<String>> e : decoder.parameters().entrySet()) {
          query.put(e.getKey(), e.getValue().get(0));
        }
        try {
          answer = routes.answer(rawPath, query);
        } catch (RuntimeException e) {
          log.warn("HTTP {} failed", request.uri(), e);
          answer = HttpAnswer.text(500, "internal error: " + e + "\n");
        }
      }
      FullHttpResponse response = new DefaultFullHttpResponse(
          HttpVersion.HTTP_1_1,
          HttpResponseStatus.valueOf(answer.status()),
          request.method().equals(HttpMethod.HEAD) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(answer.body()));
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
          .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.writeAndFlush(response);
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("HTTP connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
