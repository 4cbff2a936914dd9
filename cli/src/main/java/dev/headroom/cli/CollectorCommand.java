package dev.headroom.cli;

import dev.headroom.analyzer.detect.DetectorConfig;
import dev.headroom.collector.Collector;
import dev.headroom.collector.CollectorConfig;
import dev.headroom.collector.alert.PrometheusRules;
import dev.headroom.collector.runs.AnalyzerRunPredictor;
import dev.headroom.collector.runs.RegistryPolicy;
import dev.headroom.collector.store.RetentionPolicy;
import dev.headroom.protocol.wire.TlsContexts;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code headroom collector}: wiring of {@link Collector}; the collector module does the work. */
@Command(
    name = "collector",
    mixinStandardHelpOptions = true,
    header = "Receive the agents' frames, predict each run, alert, store, and serve the dashboard.",
    description = {
      "Receive agents' frames, set every run's observed peaks against its prediction, raise alerts, "
          + "keep recordings, the run catalog and the alert history, and serve the dashboard, the JSON API "
          + "(/api/runs, /api/runs/{id}, /api/alerts), charts (/charts/...), /metrics and /healthz."
    })
final class CollectorCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:" + CollectorConfig.DEFAULT_INGEST_PORT,
      description = "Where agents connect (default: ${DEFAULT-VALUE}; use 0.0.0.0:PORT with --token-file for other hosts).")
  String listen;

  @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:" + CollectorConfig.DEFAULT_HTTP_PORT,
      description = "Where the dashboard, API and /metrics are served (default: ${DEFAULT-VALUE}).")
  String http;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File whose first line is the token agents must present (never give it on the command line). "
          + "Without it any agent that reaches the port is accepted.")
  Path tokenFile;

  @Option(names = "--tls-cert", paramLabel = "PEM",
      description = "Serve agents over TLS with this certificate chain (PEM); needs --tls-key.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM",
      description = "The unencrypted PKCS#8 private key (PEM) of --tls-cert.")
  Path tlsKey;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "/var/tmp/headroom/collector",
      description = "Catalog database (catalog.db), per-run recordings and webhook queues (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--webhook", paramLabel = "URL",
      description = "POST every raised and resolved alert as JSON to this URL (repeatable; retried with backoff, "
          + "kept across restarts).")
  List<String> webhooks = new ArrayList<>();

  @Option(names = "--alertmanager", paramLabel = "URL",
      description = "Send alerts to this Alertmanager (API v2), e.g. http://127.0.0.1:9093.")
  String alertmanager;

  @Option(names = "--danger-ratio", paramLabel = "R", defaultValue = "0.90",
      description = "Used / usable memory at which a GPU is in danger (default: ${DEFAULT-VALUE}).")
  double dangerRatio;

  @Option(names = "--retention-days", paramLabel = "DAYS", defaultValue = "14",
      description = "Delete recording segments older than this (default: ${DEFAULT-VALUE}).")
  long retentionDays;

  @Option(names = "--retention-size", paramLabel = "MIB", defaultValue = "8192",
      description = "Keep all recordings together under this many MiB, oldest deleted first (default: ${DEFAULT-VALUE}).")
  long retentionMib;

  @Option(names = "--duration", paramLabel = "SECONDS",
      description = "Stop after this many seconds (default: run until interrupted).")
  Long durationSeconds;

  @Option(names = "--print-prometheus-rules",
      description = "Print the alert thresholds as Prometheus alerting rules over the agents' /metrics and exit.")
  boolean printPrometheusRules;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    if (!(dangerRatio > 0 && dangerRatio <= 1)) {
      throw new UserInputException("--danger-ratio must be in (0, 1], was " + dangerRatio);
    }
    DetectorConfig detectors = DetectorConfig.defaults().withDangerRatio(dangerRatio);
    if (printPrometheusRules) {
      PrometheusRules defaults = PrometheusRules.defaults();
      out.print(new PrometheusRules(detectors, defaults.scrapeInterval(), defaults.agentJob()).yaml());
      out.flush();
      return;
    }
    CollectorConfig config = config(detectors);
    CountDownLatch stop = new CountDownLatch(1);
    Collector collector;
    try {
      collector = Collector.start(config, AnalyzerRunPredictor.standard(), Clock.systemUTC());
    } catch (IOException e) {
      throw new UserInputException(startFailure(e, config.dataDir()));
    }
    Thread hook = new Thread(() -> {
      stop.countDown();
      closeQuietly(collector);
    }, "headroom-collector-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    InetSocketAddress httpAddress = collector.httpAddress();
    out.printf("headroom collector: agents on %s%s, dashboard http://%s:%d/, data in %s%n",
        hostPort(collector.ingestAddress()), config.ingestTls().isPresent() ? " (TLS)" : "",
        httpAddress.getHostString(), httpAddress.getPort(), config.dataDir());
    if (config.token().isEmpty() && !collector.ingestAddress().getAddress().isLoopbackAddress()) {
      out.println("headroom collector: warning: no --token-file, so any host that reaches the port can send frames");
    }
    out.flush();
    try {
      if (durationSeconds == null) {
        stop.await();
      } else {
        stop.await(durationSeconds, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stop.getCount() > 0) {
      Runtime.getRuntime().removeShutdownHook(hook);
      closeQuietly(collector);
    }
  }

  private CollectorConfig config(DetectorConfig detectors) {
    if (retentionDays <= 0 || retentionMib <= 0) {
      throw new UserInputException("--retention-days and --retention-size must be > 0");
    }
    if (durationSeconds != null && durationSeconds <= 0) {
      throw new UserInputException("--duration must be > 0 seconds, was " + durationSeconds);
    }
    String token = TokenFileOption.read(tokenFile);
    List<URI> hooks = new ArrayList<>();
    for (String w : webhooks) {
      hooks.add(httpUrl("--webhook", w));
    }
    Optional<URI> am = Optional.ofNullable(alertmanager).map(a -> httpUrl("--alertmanager", a));
    RegistryPolicy base = RegistryPolicy.DEFAULT;
    RegistryPolicy policy = new RegistryPolicy(Math.min(base.warningRatio(), dangerRatio), dangerRatio,
        base.minimumSilence(), base.seriesPoints());
    RetentionPolicy retention = new RetentionPolicy(Duration.ofDays(retentionDays), retentionMib << 20,
        Math.min(RetentionPolicy.DEFAULT.maxBytesPerWriter(), Math.max(64 * 1024, (retentionMib << 20) / 8)),
        RetentionPolicy.DEFAULT.idleWriterTimeout());
    CollectorConfig config = new CollectorConfig(HostPortOption.listen("--listen", listen),
        HostPortOption.listen("--http", http), token, dataDir, hooks, am, policy, detectors, retention,
        Duration.ofSeconds(2));
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UserInputException("--tls-cert and --tls-key go together: give both or neither");
    }
    if (tlsCert != null) {
      try {
        config = config.withIngestTls(TlsContexts.server(tlsCert, tlsKey));
      } catch (TlsContexts.TlsSetupException e) {
        throw new UserInputException("--tls-cert/--tls-key: " + e.getMessage());
      }
    }
    return config;
  }

  private static URI httpUrl(String option, String value) {
    try {
      URI uri = new URI(value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new UserInputException(option + " '" + value + "' must be an http:// or https:// URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new UserInputException(option + " '" + value + "' is not a URL: " + e.getMessage());
    }
  }

  /** The data directory is the only file-system thing the collector creates at start. */
  static String startFailure(IOException e, Path dataDir) {
    return e instanceof FileSystemException
        ? "--data-dir " + dataDir + ": cannot create or write " + FileSystemFailure.describe(e)
        : e.getMessage();
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  private static void closeQuietly(Collector collector) {
    try {
      collector.close();
    } catch (IOException | RuntimeException e) {
      System.err.println("headroom collector: error while stopping: " + e.getMessage());
    }
  }
}
