package dev.headroom.agent.ship;

import dev.headroom.protocol.recording.RecordingLimits;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how the shipper sends.
 *
 * @param collectors addresses tried in order; after a failure the next one is tried (failover)
 * @param token the collector token (read with {@link TokenFile}), empty for none
 * @param tls client TLS context, or empty for plain TCP
 * @param bufferDirectory where unacknowledged frames wait; emptied at start (frames of an earlier
 *     agent process cannot be replayed under a new boot id; they stay in the recording)
 * @param bufferLimits bound of that buffer; past it the oldest frames are dropped and counted
 * @param initialBackoff first reconnect delay
 * @param maxBackoff reconnect delay ceiling
 * @param helloTimeout how long to wait for the collector's answer to the hello
 */
public record ShipperConfig(
    List<InetSocketAddress> collectors,
    String agentId,
    String bootId,
    String hostname,
    String agentVersion,
    String token,
    Optional<SslContext> tls,
    Path bufferDirectory,
    RecordingLimits bufferLimits,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration helloTimeout) {

  /** 64 MiB of buffer: at 8 GPUs reporting every second, about a day without a collector. */
  public static final RecordingLimits DEFAULT_BUFFER =
      new RecordingLimits(64L << 20, 4L << 20, Duration.ofSeconds(5));

  public ShipperConfig {
    collectors = List.copyOf(collectors);
    if (collectors.isEmpty()) {
      throw new IllegalArgumentException("at least one collector address is needed");
    }
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(bootId, "bootId");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(tls, "tls");
  }

  /** Defaults: no token, no TLS, 64 MiB buffer, backoff 0.5 s doubling to 30 s, 10 s hello timeout. */
  public static ShipperConfig of(List<InetSocketAddress> collectors, String agentId, String bootId, String hostname,
      String agentVersion, Path bufferDirectory) {
    return new ShipperConfig(collectors, agentId, bootId, hostname, agentVersion, "", Optional.empty(),
        bufferDirectory, DEFAULT_BUFFER, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(10));
  }

  public ShipperConfig withToken(String newToken) {
    return new ShipperConfig(collectors, agentId, bootId, hostname, agentVersion, newToken, tls, bufferDirectory,
        bufferLimits, initialBackoff, maxBackoff, helloTimeout);
  }

  public ShipperConfig withTls(SslContext context) {
    return new ShipperConfig(collectors, agentId, bootId, hostname, agentVersion, token, Optional.of(context),
        bufferDirectory, bufferLimits, initialBackoff, maxBackoff, helloTimeout);
  }

  public ShipperConfig withBackoff(Duration initial, Duration max) {
    return new ShipperConfig(collectors, agentId, bootId, hostname, agentVersion, token, tls, bufferDirectory,
        bufferLimits, initial, max, helloTimeout);
  }

  public ShipperConfig withBufferLimits(RecordingLimits limits) {
    return new ShipperConfig(collectors, agentId, bootId, hostname, agentVersion, token, tls, bufferDirectory,
        limits, initialBackoff, maxBackoff, helloTimeout);
  }
}
