package dev.headroom.collector;

import dev.headroom.analyzer.detect.DetectorConfig;
import dev.headroom.collector.runs.RegistryPolicy;
import dev.headroom.collector.store.RetentionPolicy;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a collector needs to start.
 *
 * @param ingestListen where agents connect (127.0.0.1 unless told otherwise)
 * @param httpListen where the dashboard, API and /metrics are served
 * @param token the shared agent token; empty: no token check (loopback use only)
 * @param dataDir the catalog database, recordings and the webhooks' pending queues
 * @param webhooks URLs that get every alert as JSON
 * @param alertmanager Alertmanager's root URL, when alerts should go there
 * @param flushInterval how often run peaks are written to the catalog and silence is judged
 * @param ingestTls the ingest server's TLS context; empty for plain TCP
 */
public record CollectorConfig(
    InetSocketAddress ingestListen,
    InetSocketAddress httpListen,
    String token,
    Path dataDir,
    List<URI> webhooks,
    Optional<URI> alertmanager,
    RegistryPolicy registryPolicy,
    DetectorConfig detectors,
    RetentionPolicy retention,
    Duration flushInterval,
    Optional<SslContext> ingestTls) {

  /** Plain TCP ingest. */
  public CollectorConfig(
      InetSocketAddress ingestListen,
      InetSocketAddress httpListen,
      String token,
      Path dataDir,
      List<URI> webhooks,
      Optional<URI> alertmanager,
      RegistryPolicy registryPolicy,
      DetectorConfig detectors,
      RetentionPolicy retention,
      Duration flushInterval) {
    this(ingestListen, httpListen, token, dataDir, webhooks, alertmanager, registryPolicy, detectors, retention,
        flushInterval, Optional.empty());
  }

  public static final int DEFAULT_INGEST_PORT = 9475;
  public static final int DEFAULT_HTTP_PORT = 9476;

  public CollectorConfig {
    Objects.requireNonNull(ingestListen, "ingestListen");
    Objects.requireNonNull(httpListen, "httpListen");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(dataDir, "dataDir");
    webhooks = List.copyOf(webhooks);
    Objects.requireNonNull(alertmanager, "alertmanager");
    Objects.requireNonNull(registryPolicy, "registryPolicy");
    Objects.requireNonNull(detectors, "detectors");
    Objects.requireNonNull(retention, "retention");
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("flushInterval must be > 0, was " + flushInterval);
    }
    Objects.requireNonNull(ingestTls, "ingestTls");
  }

  public CollectorConfig withIngestTls(SslContext tls) {
    return new CollectorConfig(ingestListen, httpListen, token, dataDir, webhooks, alertmanager, registryPolicy,
        detectors, retention, flushInterval, Optional.of(tls));
  }

  /** Loopback on the default ports, no token, no sinks but the log, default thresholds. */
  public static CollectorConfig defaults(Path dataDir) {
    return new CollectorConfig(
        new InetSocketAddress("127.0.0.1", DEFAULT_INGEST_PORT),
        new InetSocketAddress("127.0.0.1", DEFAULT_HTTP_PORT),
        "",
        dataDir,
        List.of(),
        Optional.empty(),
        RegistryPolicy.DEFAULT,
        DetectorConfig.defaults(),
        RetentionPolicy.DEFAULT,
        Duration.ofSeconds(2));
  }

  public CollectorConfig withListen(InetSocketAddress ingest, InetSocketAddress http) {
    return new CollectorConfig(ingest, http, token, dataDir, webhooks, alertmanager, registryPolicy, detectors,
        retention, flushInterval, ingestTls);
  }

  public CollectorConfig withToken(String newToken) {
    return new CollectorConfig(ingestListen, httpListen, newToken, dataDir, webhooks, alertmanager, registryPolicy,
        detectors, retention, flushInterval, ingestTls);
  }

  public CollectorConfig withSinks(List<URI> newWebhooks, Optional<URI> newAlertmanager) {
    return new CollectorConfig(ingestListen, httpListen, token, dataDir, newWebhooks, newAlertmanager,
        registryPolicy, detectors, retention, flushInterval, ingestTls);
  }
}
