package dev.headroom.collector.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.analyzer.alert.AlertEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs every alert event as JSON ({@link AlertJson}) to one URL, in order, retrying with
 * exponential backoff while the receiver is down or answers 5xx/408/429. Undelivered events are kept
 * in {@code <dataDir>/alerts/webhook-<hash>.jsonl} — written by a disk thread of its own, so the
 * disk is off the latency path — and survive a collector restart: they are sent when it comes back.
 * (A crash can lose what arrived in the last milliseconds before the write; a clean stop loses nothing.) Another 4xx means the receiver refuses this payload: it is logged and
 * dropped rather than blocking the queue forever.
 *
 * <p>Thread-safe; {@link #onAlert} only queues. One named daemon thread delivers, another writes the queue.
 */
public final class WebhookSink implements AlertListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookSink.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final URI url;
  private final HttpClient http;
  private final RetryPolicy retry;
  private final AlertJson json;
  private final ObjectMapper mapper;
  private final PendingQueueFile queueFile;
  private final Deque<String> pending = new ArrayDeque<>();
  private final ScheduledExecutorService sender;
  private final ExecutorService diskWriter;
  private final AtomicBoolean writeQueued = new AtomicBoolean();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private int attemptsOnHead;
  private boolean sending;

  private WebhookSink(URI url, Path queuePath, HttpClient http, RetryPolicy retry, ObjectMapper mapper) {
    this.url = url;
    this.http = http;
    this.retry = retry;
    this.mapper = mapper;
    this.json = new AlertJson(mapper);
    this.queueFile = new PendingQueueFile(queuePath);
    this.sender = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "headroom-webhook-" + url.getHost() + ":" + url.getPort());
      t.setDaemon(true);
      return t;
    });
    this.diskWriter = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "headroom-webhook-queue-" + url.getHost() + ":" + url.getPort());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Opens the sink, loading and resending what an earlier collector left undelivered.
   *
   * @param url an http or https URL
   * @param dataDir the collector's data directory (the queue lives in its {@code alerts/} folder)
   * @throws IllegalArgumentException for a URL that is not http(s)
   * @throws UncheckedIOException when the queue file exists but cannot be read
   */
  public static WebhookSink open(URI url, Path dataDir, HttpClient http, RetryPolicy retry, ObjectMapper mapper) {
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
      throw new IllegalArgumentException("webhook URL must be http:// or https://, got " + url);
    }
    WebhookSink sink = new WebhookSink(url, queuePath(dataDir, url), http, retry, mapper);
    try {
      List<String> left = sink.queueFile.load();
      if (!left.isEmpty()) {
        LOG.info("webhook {}: resending {} undelivered alert event(s) from {}", url, left.size(), sink.queueFile.path());
      }
      synchronized (sink) {
        sink.pending.addAll(left);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read webhook queue " + sink.queueFile.path() + ": " + e.getMessage(), e);
    }
    sink.kick(Duration.ZERO);
    return sink;
  }

  /** Where the queue of {@code url} is kept: one file per URL, named by a hash of it. */
  static Path queuePath(Path dataDir, URI url) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(url.toString().getBytes(StandardCharsets.UTF_8));
      return dataDir.resolve("alerts").resolve("webhook-" + HexFormat.of().formatHex(digest, 0, 6) + ".jsonl");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public void onAlert(AlertEvent event) {
    String body;
    try {
      body = mapper.writeValueAsString(json.event(event));
    } catch (IOException e) {
      LOG.warn("webhook {}: cannot serialise {}: {}", url, event.alert().key(), e.toString());
      return;
    }
    synchronized (this) {
      pending.addLast(body);
      while (pending.size() > retry.maxQueued()) {
        pending.removeFirst();
        attemptsOnHead = 0;
        LOG.warn("webhook {}: more than {} undelivered events, dropped the oldest", url, retry.maxQueued());
      }
    }
    requestPersist();
    kick(Duration.ZERO);
  }

  /** Events sent and acknowledged with 2xx since this sink opened. */
  public long deliveredCount() {
    return delivered.get();
  }

  /** Attempts that failed and will be retried. */
  public long failedAttemptCount() {
    return failedAttempts.get();
  }

  public synchronized int pendingCount() {
    return pending.size();
  }

  private synchronized void kick(Duration delay) {
    if (sending || pending.isEmpty() || sender.isShutdown()) {
      return;
    }
    sending = true;
    sender.schedule(this::drain, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void drain() {
    while (true) {
      String body;
      synchronized (this) {
        body = pending.peekFirst();
        if (body == null) {
          sending = false;
          return;
        }
      }
      Outcome outcome = outcome(http.sendAsync(request(body), HttpResponse.BodyHandlers.discarding()), body);
      synchronized (this) {
        if (outcome == Outcome.RETRY) {
          attemptsOnHead++;
          failedAttempts.incrementAndGet();
          sending = false;
          if (!sender.isShutdown()) {
            sending = true;
            sender.schedule(this::drain, retry.delayBefore(attemptsOnHead).toMillis(), TimeUnit.MILLISECONDS);
          }
          return;
        }
        // Only remove what was sent: the head can have been dropped for space meanwhile.
        if (pending.peekFirst() == body) {
          pending.removeFirst();
        }
        attemptsOnHead = 0;
        if (outcome == Outcome.DELIVERED) {
          delivered.incrementAndGet();
        }
      }
      requestPersist();
    }
  }

  private enum Outcome { DELIVERED, REFUSED, RETRY }

  private HttpRequest request(String body) {
    return HttpRequest.newBuilder(url)
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .header("User-Agent", "headroom-collector")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
  }

  private Outcome outcome(CompletableFuture<HttpResponse<Void>> inFlight, String body) {
    try {
      int status = inFlight.get().statusCode();
      if (status / 100 == 2) {
        return Outcome.DELIVERED;
      }
      if (status / 100 == 4 && status != 408 && status != 429) {
        LOG.warn("webhook {}: answered HTTP {}, event dropped: {}", url, status, body);
        return Outcome.REFUSED;
      }
      LOG.warn("webhook {}: answered HTTP {}, will retry", url, status);
      return Outcome.RETRY;
    } catch (ExecutionException e) {
      LOG.warn("webhook {}: {}, will retry", url, e.getCause() == null ? e.toString() : e.getCause().toString());
      return Outcome.RETRY;
    } catch (InterruptedException e) {
      inFlight.cancel(true);
      Thread.currentThread().interrupt();
      return Outcome.RETRY;
    }
  }

  /**
   * Has the disk writer store the queue as it is when it gets to it. Writes coalesce, and neither
   * the ingest thread nor the sender ever waits for the disk, which keeps it out of alert latency.
   */
  private void requestPersist() {
    if (writeQueued.compareAndSet(false, true)) {
      try {
        diskWriter.execute(() -> {
          writeQueued.set(false);
          persist();
        });
      } catch (RejectedExecutionException closed) {
        writeQueued.set(false); // close() writes the final state itself
      }
    }
  }

  private void persist() {
    List<String> snapshot;
    synchronized (this) {
      snapshot = new ArrayList<>(pending);
    }
    synchronized (queueFile) {
      try {
        queueFile.store(snapshot);
      } catch (IOException e) {
        // Delivery goes on from memory; only a restart could lose these.
        LOG.warn("webhook {}: cannot write queue {}: {}", url, queueFile.path(), e.toString());
      }
    }
  }

  /** Stops delivering; what is undelivered stays in the queue file for the next start. */
  @Override
  public void close() {
    sender.shutdownNow();
    try {
      sender.awaitTermination(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    diskWriter.shutdown();
    try {
      diskWriter.awaitTermination(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    persist();
  }

  @Override
  public String toString() {
    return "WebhookSink[" + url + "]";
  }
}
