package dev.headroom.collector.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertEvent;
import dev.headroom.analyzer.alert.AlertKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alerts to an Alertmanager through its API v2 ({@code POST /api/v2/alerts}).
 *
 * <p>Alertmanager forgets an alert that is not re-sent: like Prometheus, this sink posts every
 * active alert again each {@code resendInterval} with {@code endsAt} four intervals ahead, so the
 * alerts of a collector that died resolve by themselves. A resolved alert is posted with {@code
 * endsAt} = its resolve time until one post succeeds. Changes are posted at once; a failed post is
 * retried at the next round.
 *
 * <p>Times: Alertmanager judges {@code startsAt}/{@code endsAt} on its own clock, so they are
 * stamped with this sink's (wall) clock when it hears of the raise or resolve, not with the
 * detectors' times, which follow the agents' reports and may be simulated (the demo runs an hour in
 * a minute) or skewed. The detectors' times travel as the annotations {@code raised_at} and
 * {@code resolved_at}.
 *
 * <p>Labels: {@code alertname} (e.g. HeadroomDanger), {@code kind}, {@code severity}, {@code run_id},
 * {@code hostname}, and {@code gpu_uuid} or {@code agent_id}. Annotations: {@code summary} (the
 * explanation), {@code suggested_action}, {@code values} ({@code name=value ...}).
 *
 * <p>Thread-safe; one named daemon thread posts.
 */
public final class AlertmanagerSink implements AlertListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerSink.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final URI alertsEndpoint;
  private final HttpClient http;
  private final Duration resendInterval;
  private final Clock clock;
  private final ObjectMapper mapper;
  private final Map<AlertKey, Alert> active = new LinkedHashMap<>();
  private final Map<AlertKey, Alert> unsentResolved = new LinkedHashMap<>();
  /** This sink's clock when it heard of each alert's raise and (for unsent resolves) resolve. */
  private final Map<AlertKey, Instant> heardRaisedAt = new LinkedHashMap<>();
  private final Map<AlertKey, Instant> heardResolvedAt = new LinkedHashMap<>();
  private final ScheduledExecutorService poster;
  private final AtomicBoolean postQueued = new AtomicBoolean();
  private final AtomicLong posts = new AtomicLong();
  private final AtomicLong failedPosts = new AtomicLong();

  private AlertmanagerSink(URI baseUrl, HttpClient http, Duration resendInterval, Clock clock, ObjectMapper mapper) {
    String base = baseUrl.toString().replaceAll("/+$", "");
    this.alertsEndpoint = URI.create(base + "/api/v2/alerts");
    this.http = http;
    this.resendInterval = resendInterval;
    this.clock = clock;
    this.mapper = mapper;
    this.poster = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "headroom-alertmanager");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts the sink and its resend loop.
   *
   * @param baseUrl Alertmanager's root, e.g. {@code http://alertmanager:9093}
   * @throws IllegalArgumentException for a URL that is not http(s) or a non-positive interval
   */
  public static AlertmanagerSink start(
      URI baseUrl, HttpClient http, Duration resendInterval, Clock clock, ObjectMapper mapper) {
    if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
      throw new IllegalArgumentException("Alertmanager URL must be http:// or https://, got " + baseUrl);
    }
    if (resendInterval.isNegative() || resendInterval.isZero()) {
      throw new IllegalArgumentException("resendInterval must be > 0, got " + resendInterval);
    }
    AlertmanagerSink sink = new AlertmanagerSink(baseUrl, http, resendInterval, clock, mapper);
    long periodMillis = resendInterval.toMillis();
    sink.poster.scheduleWithFixedDelay(sink::postSafely, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    return sink;
  }

  @Override
  public void onAlert(AlertEvent event) {
    Alert a = event.alert();
    synchronized (this) {
      Instant now = clock.instant();
      if (event instanceof AlertEvent.Raised) {
        unsentResolved.remove(a.key());
        heardResolvedAt.remove(a.key());
        if (active.put(a.key(), a) == null) {
          heardRaisedAt.put(a.key(), now);
        }
      } else {
        active.remove(a.key());
        unsentResolved.put(a.key(), a);
        heardResolvedAt.put(a.key(), now);
      }
    }
    if (postQueued.compareAndSet(false, true) && !poster.isShutdown()) {
      poster.execute(this::postSafely);
    }
  }

  /** Successful posts so far (each carries every active and unsent resolved alert). */
  public long postCount() {
    return posts.get();
  }

  public long failedPostCount() {
    return failedPosts.get();
  }

  private void postSafely() {
    postQueued.set(false);
    try {
      post();
    } catch (RuntimeException e) {
      // The loop must survive anything one round does.
      failedPosts.incrementAndGet();
      LOG.warn("Alertmanager {}: post failed: {}", alertsEndpoint, e.toString());
    }
  }

  private void post() {
    List<Alert> activeNow;
    List<Alert> resolvedNow;
    Map<AlertKey, Instant> startsAt;
    Map<AlertKey, Instant> endsAt;
    synchronized (this) {
      activeNow = new ArrayList<>(active.values());
      resolvedNow = new ArrayList<>(unsentResolved.values());
      startsAt = new LinkedHashMap<>(heardRaisedAt);
      endsAt = new LinkedHashMap<>(heardResolvedAt);
    }
    if (activeNow.isEmpty() && resolvedNow.isEmpty()) {
      return;
    }
    Instant activeEndsAt = clock.instant().plus(resendInterval.multipliedBy(4));
    ArrayNode body = mapper.createArrayNode();
    for (Alert a : activeNow) {
      body.add(toAlertmanager(a, startsAt.getOrDefault(a.key(), a.raisedAt()), activeEndsAt));
    }
    for (Alert a : resolvedNow) {
      body.add(toAlertmanager(a, startsAt.getOrDefault(a.key(), a.raisedAt()),
          endsAt.getOrDefault(a.key(), a.resolvedAt().orElseThrow())));
    }
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(alertsEndpoint)
          .timeout(REQUEST_TIMEOUT)
          .header("Content-Type", "application/json")
          .header("User-Agent", "headroom-collector")
          .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body), StandardCharsets.UTF_8))
          .build();
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise alerts", e);
    }
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        failedPosts.incrementAndGet();
        LOG.warn("Alertmanager {}: HTTP {}: {}; will retry in {}", alertsEndpoint, response.statusCode(),
            response.body().strip(), resendInterval);
        return;
      }
    } catch (IOException e) {
      failedPosts.incrementAndGet();
      LOG.warn("Alertmanager {}: {}; will retry in {}", alertsEndpoint, e.toString(), resendInterval);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    posts.incrementAndGet();
    synchronized (this) {
      for (Alert a : resolvedNow) {
        if (unsentResolved.remove(a.key(), a)) {
          heardRaisedAt.remove(a.key());
          heardResolvedAt.remove(a.key());
        }
      }
    }
  }

  ObjectNode toAlertmanager(Alert a, Instant endsAt) {
    return toAlertmanager(a, a.raisedAt(), endsAt);
  }

  ObjectNode toAlertmanager(Alert a, Instant startsAt, Instant endsAt) {
    ObjectNode node = mapper.createObjectNode();
    ObjectNode labels = node.putObject("labels");
    labels.put("alertname", a.kind().alertName());
    labels.put("kind", a.kind().slug());
    labels.put("severity", a.severity().label());
    labels.put("run_id", a.runId());
    labels.put("hostname", a.hostname());
    if (a.gpuUuid().isPresent()) {
      labels.put("gpu_uuid", a.gpuUuid().get());
    } else {
      labels.put("agent_id", a.key().subject());
    }
    ObjectNode annotations = node.putObject("annotations");
    annotations.put("summary", a.explanation());
    annotations.put("suggested_action", a.suggestedAction());
    StringBuilder values = new StringBuilder();
    for (Map.Entry<String, Double> v : a.values().entrySet()) {
      double d = v.getValue();
      values.append(values.length() == 0 ? "" : " ").append(v.getKey()).append('=')
          .append(d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.4g", d));
    }
    annotations.put("values", values.toString());
    annotations.put("raised_at", a.raisedAt().toString());
    a.resolvedAt().ifPresent(t -> annotations.put("resolved_at", t.toString()));
    node.put("startsAt", startsAt.toString());
    node.put("endsAt", endsAt.toString());
    return node;
  }

  @Override
  public void close() {
    poster.shutdownNow();
    try {
      poster.awaitTermination(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "AlertmanagerSink[" + alertsEndpoint + "]";
  }
}
