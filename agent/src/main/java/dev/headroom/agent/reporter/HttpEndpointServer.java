package dev.headroom.agent.reporter;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server on one event-loop thread: decodes, aggregates bodies up to a limit
 * (larger ones get 413 from Netty), and hands each full request to a {@link Responder}. Shared by
 * the reporter endpoint and /metrics, which differ only in what they answer.
 */
public final class HttpEndpointServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpEndpointServer.class);

  /** Answers one request on the event loop; must not block. */
  @FunctionalInterface
  public interface Responder {
    FullHttpResponse respond(FullHttpRequest request);
  }

  private final String name;
  private final EventLoopGroup group;
  private final Channel channel;

  private HttpEndpointServer(String name, EventLoopGroup group, Channel channel) {
    this.name = name;
    this.group = group;
    this.channel = channel;
  }

  /**
   * Binds {@code address} (port 0 picks a free one).
   *
   * @throws UncheckedIOException naming the endpoint and address when the port cannot be bound
   */
  public static HttpEndpointServer start(String name, InetSocketAddress address, int maxBodyBytes, Responder responder) {
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("headroom-" + name, true), NioIoHandler.newFactory());
    try {
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpObjectAggregator(maxBodyBytes))
                          .addLast(new Handler(name, responder));
                    }
                  })
              .bind(address)
              .sync()
              .channel();
      return new HttpEndpointServer(name, group, channel);
    } catch (Exception e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new UncheckedIOException(
          new IOException(name + " endpoint cannot listen on " + address + ": " + e.getMessage(), e));
    }
  }

  /** The bound port (the real one when started with port 0). */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** A response with a text body and its length. */
  public static FullHttpResponse text(HttpResponseStatus status, String contentType, String body) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    return r;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final String name;
    private final Responder responder;

    Handler(String name, Responder responder) {
      this.name = name;
      this.responder = responder;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      FullHttpResponse response;
      if (!request.decoderResult().isSuccess()) {
        response = text(HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8",
            "malformed HTTP request: " + request.decoderResult().cause().getMessage() + "\n");
      } else {
        try {
          response = responder.respond(request);
        } catch (RuntimeException e) {
          log.error("{} endpoint failed answering {} {}", name, request.method(), request.uri(), e);
          response = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8",
              "internal error: " + e + "\n");
        }
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
      if (keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.writeAndFlush(response);
      } else {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("{} endpoint: connection from {} failed: {}", name, ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
