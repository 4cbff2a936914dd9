package dev.headroom.agent.reporter;

import dev.headroom.agent.ObservationSink;
import dev.headroom.analyzer.model.Observation;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback HTTP endpoint the training process posts to ({@code docs/reporter.md}): {@code
 * POST /v1/allocator}, {@code /v1/step}, {@code /v1/run-spec} with a JSON object; {@code GET
 * /v1/health} for a reporter to check the agent is there. 202 when accepted, 400 with the reason
 * when malformed, 404/405 for other paths and methods, 413 above {@link #MAX_BODY_BYTES}.
 *
 * <p>Loopback only: the reporter runs on the same host and the endpoint has no authentication.
 */
public final class ReporterEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReporterEndpoint.class);
  /** A run spec with a full model config stays well below this. */
  public static final int MAX_BODY_BYTES = 1 << 20;
  private static final String JSON = "application/json; charset=utf-8";

  private final ReportParser parser;
  private final ObservationSink sink;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private HttpEndpointServer server;

  private ReporterEndpoint(Clock clock, ObservationSink sink, Optional<String> defaultRunId) {
    this.parser = new ReportParser(clock, defaultRunId);
    this.sink = sink;
  }

  /** Listens on 127.0.0.1:{@code port} (0 picks a free port); every run-spec post needs a run id. */
  public static ReporterEndpoint start(int port, Clock clock, ObservationSink sink) {
    return start(port, clock, sink, Optional.empty());
  }

  /**
   * Listens on 127.0.0.1:{@code port} (0 picks a free port).
   *
   * @param defaultRunId run id for run-spec posts that carry none
   */
  public static ReporterEndpoint start(int port, Clock clock, ObservationSink sink, Optional<String> defaultRunId) {
    ReporterEndpoint endpoint = new ReporterEndpoint(clock, sink, defaultRunId);
    endpoint.server =
        HttpEndpointServer.start(
            "reporter",
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
            MAX_BODY_BYTES,
            endpoint::respond);
    log.info("reporter endpoint listening on http://127.0.0.1:{}/v1/", endpoint.port());
    return endpoint;
  }

  public int port() {
    return server.port();
  }

  /** Posts accepted since start. */
  public long accepted() {
    return accepted.get();
  }

  /** Posts rejected (400) since start. */
  public long rejected() {
    return rejected.get();
  }

  private FullHttpResponse respond(FullHttpRequest request) {
    String path = new QueryStringDecoder(request.uri()).path();
    if (path.equals("/v1/health")) {
      return request.method().equals(HttpMethod.GET)
          ? HttpEndpointServer.text(HttpResponseStatus.OK, JSON, "{\"status\":\"ok\"}\n")
          : methodNotAllowed("GET", path);
    }
    Optional<ReportParser.Kind> kind = ReportParser.kindOf(path);
    if (kind.isEmpty()) {
      return error(HttpResponseStatus.NOT_FOUND,
          "no such endpoint " + path + "; use POST /v1/allocator, /v1/step or /v1/run-spec");
    }
    if (!request.method().equals(HttpMethod.POST)) {
      return methodNotAllowed("POST", path);
    }
    byte[] body = ByteBufUtil.getBytes(request.content());
    try {
      Observation observation = parser.parse(kind.get(), body);
      sink.accept(observation);
      accepted.incrementAndGet();
      return HttpEndpointServer.text(HttpResponseStatus.ACCEPTED, JSON, "{\"accepted\":true}\n");
    } catch (MalformedReportException e) {
      // One line per rejection at debug: a broken reporter posting at 10 Hz must not flood the log.
      if (rejected.incrementAndGet() == 1) {
        log.warn("reporter post to {} rejected: {} (further rejections are logged at debug)", path, e.getMessage());
      } else {
        log.debug("reporter post to {} rejected: {}", path, e.getMessage());
      }
      return error(HttpResponseStatus.BAD_REQUEST, path + ": " + e.getMessage());
    }
  }

  private static FullHttpResponse methodNotAllowed(String allowed, String path) {
    FullHttpResponse r = error(HttpResponseStatus.METHOD_NOT_ALLOWED, path + " accepts " + allowed + " only");
    r.headers().set("Allow", allowed);
    return r;
  }

  private static FullHttpResponse error(HttpResponseStatus status, String reason) {
    return HttpEndpointServer.text(status, JSON, "{\"error\":" + jsonString(reason) + "}\n");
  }

  private static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
