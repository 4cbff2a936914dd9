package dev.headroom.collector.ingest;

import dev.headroom.protocol.wire.ProtocolVersion;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the ingest server listens and what it tolerates.
 *
 * @param listen address to bind; port 0 picks a free one
 * @param token the shared secret every hello must carry; empty to accept any agent
 * @param tls server TLS context, or empty for plain TCP
 * @param maxFrameBytes larger frames close the connection
 * @param maxConnections concurrent agent connections; more are refused with a reason
 * @param maxFramesPerSecondPerAgent sustained rate per agent id; an agent above it has its reads
 *     paused (TCP back-pressure), not its connection closed, so a replay after an outage is slowed
 *     but never lost
 * @param helloTimeout a connection that sends no hello within this is closed
 */
public record IngestConfig(
    InetSocketAddress listen,
    String token,
    Optional<SslContext> tls,
    int maxFrameBytes,
    int maxConnections,
    int maxFramesPerSecondPerAgent,
    Duration helloTimeout,
    String collectorVersion) {

  public IngestConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(tls, "tls");
    if (maxConnections < 1 || maxFramesPerSecondPerAgent < 1 || maxFrameBytes < 16) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** Loopback, no token, no TLS, defaults for the limits. */
  public static IngestConfig loopback(int port) {
    return new IngestConfig(new InetSocketAddress("127.0.0.1", port), "", Optional.empty(),
        ProtocolVersion.DEFAULT_MAX_FRAME_BYTES, 4096, 20_000, Duration.ofSeconds(10), "dev");
  }

  public IngestConfig withListen(InetSocketAddress address) {
    return new IngestConfig(address, token, tls, maxFrameBytes, maxConnections, maxFramesPerSecondPerAgent,
        helloTimeout, collectorVersion);
  }

  public IngestConfig withCollectorVersion(String version) {
    return new IngestConfig(listen, token, tls, maxFrameBytes, maxConnections, maxFramesPerSecondPerAgent,
        helloTimeout, version);
  }

  public IngestConfig withHelloTimeout(Duration timeout) {
    return new IngestConfig(listen, token, tls, maxFrameBytes, maxConnections, maxFramesPerSecondPerAgent,
        timeout, collectorVersion);
  }

  public IngestConfig withToken(String newToken) {
    return new IngestConfig(listen, newToken, tls, maxFrameBytes, maxConnections, maxFramesPerSecondPerAgent,
        helloTimeout, collectorVersion);
  }

  public IngestConfig withTls(SslContext context) {
    return new IngestConfig(listen, token, Optional.of(context), maxFrameBytes, maxConnections,
        maxFramesPerSecondPerAgent, helloTimeout, collectorVersion);
  }

  public IngestConfig withLimits(int newMaxFrameBytes, int newMaxConnections, int newMaxFramesPerSecondPerAgent) {
    return new IngestConfig(listen, token, tls, newMaxFrameBytes, newMaxConnections, newMaxFramesPerSecondPerAgent,
        helloTimeout, collectorVersion);
  }
}
