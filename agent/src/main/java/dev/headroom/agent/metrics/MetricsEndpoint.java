package dev.headroom.agent.metrics;

import dev.headroom.agent.reporter.HttpEndpointServer;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} from a registry, in the format the scraper's Accept header asks for
 * (Prometheus text 0.0.4 or OpenMetrics; the protobuf format is not bundled, so a scraper asking
 * for it gets text, which every Prometheus accepts).
 */
public final class MetricsEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);

  private final PrometheusRegistry registry;
  private final ExpositionFormats formats = ExpositionFormats.init();
  private HttpEndpointServer server;

  private MetricsEndpoint(PrometheusRegistry registry) {
    this.registry = registry;
  }

  /** Listens on {@code address} (port 0 picks a free port). */
  public static MetricsEndpoint start(InetSocketAddress address, PrometheusRegistry registry) {
    MetricsEndpoint endpoint = new MetricsEndpoint(registry);
    endpoint.server = HttpEndpointServer.start("metrics", address, 8192, endpoint::respond);
    log.info("/metrics listening on http://{}:{}/metrics", address.getHostString(), endpoint.port());
    return endpoint;
  }

  public int port() {
    return server.port();
  }

  private FullHttpResponse respond(FullHttpRequest request) {
    String path = new QueryStringDecoder(request.uri()).path();
    if (!path.equals("/metrics")) {
      return HttpEndpointServer.text(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
          "not found: " + path + "; metrics are at /metrics\n");
    }
    if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
      return HttpEndpointServer.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
          "/metrics accepts GET only\n");
    }
    ExpositionFormatWriter writer = formats.findWriter(request.headers().get(HttpHeaderNames.ACCEPT));
    if (!writer.isAvailable()) {
      writer = formats.getPrometheusTextFormatWriter();
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.buffer(16 * 1024));
    try (ByteBufOutputStream out = new ByteBufOutputStream(response.content())) {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      response.release();
      throw new UncheckedIOException(e);
    }
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType());
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    return response;
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
