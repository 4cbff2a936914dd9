package dev.headroom.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.agent.ship.Shipper;
import dev.headroom.agent.ship.ShipperConfig;
import dev.headroom.analyzer.detect.DetectorConfig;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.cli.UserInputException;
import dev.headroom.collector.alert.AlertEngine;
import dev.headroom.collector.alert.RetryPolicy;
import dev.headroom.collector.alert.WebhookSink;
import dev.headroom.collector.ingest.IngestConfig;
import dev.headroom.collector.ingest.IngestServer;
import dev.headroom.collector.ingest.InMemoryDeliveryLedger;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code headroom bench alert-latency}: how long from a frame arriving at the collector's ingest
 * server to the webhook receiver getting the alert it triggers, on loopback. A real agent shipper
 * sends device reports that alternately raise and clear the danger alert; the ingest server hands
 * them to the alert engine, whose webhook sink POSTs to a local HTTP server. Closed loop: the next
 * frame goes only after the previous alert arrived, so each sample is one alert's latency.
 *
 * <p>Baseline: a bare HTTP POST round trip of the same size to the same server, with the same
 * client, measured in the same run.
 */
@Command(
    name = "alert-latency",
    mixinStandardHelpOptions = true,
    header = "Frame received -> webhook delivered, p50 and p99, beside a bare HTTP POST round trip.",
    description = {
      "Frame received by the ingest server -> webhook delivered, p50 and p99 over loopback, "
          + "beside a bare HTTP POST round trip to the same receiver.",
      "Target: p99 <= 50 ms."
    })
public final class AlertLatencyBench implements Runnable {
  static final double TARGET_P99_MILLIS = 50.0;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final long GIB = 1L << 30;

  @Option(names = "--alerts", paramLabel = "N", defaultValue = "400",
      description = "Alert events measured (half raised, half resolved; default: ${DEFAULT-VALUE}).")
  int alerts;

  @Option(names = "--warmup", paramLabel = "N", defaultValue = "100",
      description = "Alert events sent first and not measured, so the JIT has compiled the path (default: ${DEFAULT-VALUE}).")
  int warmup;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    if (alerts < 2 || warmup < 0) {
      throw new UserInputException("bench alert-latency: --alerts must be >= 2 and --warmup >= 0, got "
          + alerts + " and " + warmup);
    }
    PrintWriter out = spec.commandLine().getOut();
    Path dir = null;
    try {
      dir = Files.createTempDirectory("headroom-bench-alerts");
      Figures f = measure(dir);
      String shape = String.format(Locale.ROOT, "\"alerts\":%d,\"warmup\":%d,\"path\":\"shipper->ingest->engine->webhook\"",
          alerts, warmup);
      out.println(line("frame_to_webhook_p50_ms", f.alertMillis, 0.50, f.postMillis, shape));
      out.println(line("frame_to_webhook_p99_ms", f.alertMillis, 0.99, f.postMillis, shape));
      out.flush();
    } catch (IOException e) {
      throw new UserInputException("bench alert-latency: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      deleteQuietly(dir);
    }
  }

  private static String line(String figure, double[] alertMillis, double q, double[] postMillis, String shape) {
    double value = quantile(alertMillis, q);
    double baseline = quantile(postMillis, q);
    String target = q == 0.99
        ? String.format(Locale.ROOT, ",\"target\":%.1f,\"within_target\":%b", TARGET_P99_MILLIS, value <= TARGET_P99_MILLIS)
        : "";
    return String.format(Locale.ROOT,
        "{\"bench\":\"alert-latency\",\"figure\":\"%s\",\"value\":%.3f,\"unit\":\"ms\","
            + "\"baseline\":\"bare_http_post_round_trip_p%d_ms\",\"baseline_value\":%.3f%s,%s}",
        figure, value, Math.round(q * 100), baseline, target, shape);
  }

  record Figures(double[] alertMillis, double[] postMillis) {}

  private Figures measure(Path dir) throws IOException, InterruptedException {
    BlockingQueue<Long> receivedAt = new LinkedBlockingQueue<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
        receivedAt.add(System.nanoTime());
        exchange.sendResponseHeaders(204, -1);
      } finally {
        exchange.close();
      }
    });
    receiver.start();
    URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    ObjectMapper mapper = new ObjectMapper();

    AlertEngine engine = new AlertEngine(DetectorConfig.defaults(), Clock.systemUTC());
    WebhookSink sink = WebhookSink.open(hook, dir.resolve("data"), http, RetryPolicy.defaults(), mapper);
    engine.addListener(sink);
    long[] frameReceivedAt = new long[1];
    IngestServer ingest = IngestServer.start(IngestConfig.loopback(0), (from, seq, observation) -> {
      synchronized (frameReceivedAt) {
        frameReceivedAt[0] = System.nanoTime();
      }
      engine.onObservation("bench-run", from, observation);
    }, new InMemoryDeliveryLedger());
    ShipperConfig shipperConfig = ShipperConfig.of(List.of(ingest.address()), "bench-agent", "boot-1", "bench-host",
        "bench", dir.resolve("buffer"));
    Shipper shipper = Shipper.start(shipperConfig, InstantSource.system(), new SplittableRandom(1));
    try {
      double[] alertMillis = new double[alerts];
      int second = 0;
      for (int i = 0; i < warmup + alerts; i++) {
        boolean raise = i % 2 == 0;
        if (raise) {
          shipper.accept(report(++second, 0.95)); // first of the two reports danger needs
        }
        shipper.accept(report(++second, raise ? 0.96 : 0.50));
        Long arrived = receivedAt.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (arrived == null) {
          throw new IOException("no webhook within " + WAIT + " for alert event " + i);
        }
        if (i >= warmup) {
          long sent;
          synchronized (frameReceivedAt) {
            sent = frameReceivedAt[0];
          }
          alertMillis[i - warmup] = (arrived - sent) / 1e6;
        }
      }
      double[] postMillis = barePosts(http, hook, receivedAt);
      return new Figures(alertMillis, postMillis);
    } finally {
      shipper.close();
      ingest.close();
      sink.close();
      receiver.stop(0);
    }
  }

  /** The same client, the same receiver, a body of an alert's size: the floor of any webhook. */
  private double[] barePosts(HttpClient http, URI hook, BlockingQueue<Long> receivedAt)
      throws IOException, InterruptedException {
    String body = "{\"kind\":\"danger\",\"padding\":\"" + "x".repeat(600) + "\"}";
    double[] millis = new double[alerts];
    for (int i = 0; i < warmup + alerts; i++) {
      HttpRequest request = HttpRequest.newBuilder(hook)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build();
      long start = System.nanoTime();
      http.send(request, HttpResponse.BodyHandlers.discarding());
      long end = System.nanoTime();
      receivedAt.clear();
      if (i >= warmup) {
        millis[i - warmup] = (end - start) / 1e6;
      }
    }
    return millis;
  }

  private static DeviceReport report(int second, double ratio) {
    long total = 80 * GIB;
    long max = (long) (ratio * total);
    Instant end = Instant.EPOCH.plusSeconds(1_800_000_000L + second);
    return new DeviceReport("bench-host", "GPU-bench-0", 0, "Bench GPU", end.minusSeconds(1), end, 10,
        DeviceState.OK, total, 0, new Stats(max / 2, max, max / 2), List.of(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind is harmless
    }
  }
}
