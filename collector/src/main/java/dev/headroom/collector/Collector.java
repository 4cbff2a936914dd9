package dev.headroom.collector;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.analyzer.detect.RunPrediction;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.collector.alert.AlertEngine;
import dev.headroom.collector.alert.AlertListener;
import dev.headroom.collector.alert.AlertmanagerSink;
import dev.headroom.collector.alert.LogAlertSink;
import dev.headroom.collector.alert.RetryPolicy;
import dev.headroom.collector.alert.WebhookSink;
import dev.headroom.collector.http.CollectorMetrics;
import dev.headroom.collector.http.DashboardRoutes;
import dev.headroom.collector.http.HttpApiServer;
import dev.headroom.collector.ingest.IngestConfig;
import dev.headroom.collector.ingest.IngestServer;
import dev.headroom.collector.runs.RunDeclaration;
import dev.headroom.collector.runs.RunObservationListener;
import dev.headroom.collector.runs.RunPredictor;
import dev.headroom.collector.runs.RunRegistry;
import dev.headroom.collector.runs.RunStatus;
import dev.headroom.collector.runs.RunView;
import dev.headroom.collector.runs.StoredRun;
import dev.headroom.collector.store.CatalogStore;
import dev.headroom.collector.store.RecordedDeliveryLedger;
import dev.headroom.collector.store.RunRecordings;
import dev.headroom.protocol.recording.RecordedObservation;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running collector: ingest → run registry → (recordings, catalog, alert engine → sinks), and
 * the HTTP side. This class only assembles the parts and owns their life.
 *
 * <p>Order matters twice. Registry listeners run storage first and alerts second, so a frame is
 * persisted before anything reacts to it, and the ingest server acknowledges only after all of them
 * returned. On start, the catalog and the recordings are read back before the ingest port opens,
 * so a restarted collector shows its runs, series and alert history and drops replayed duplicates.
 */
public final class Collector implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Collector.class);
  private static final int SWEEP_EVERY_TICKS = 150;
  /** How often recordings are forced to the device: what a power loss can take at most. */
  private static final long FORCE_SECONDS = 5;

  private final CollectorConfig config;
  private final Clock clock;
  private final CatalogStore catalog;
  private final RunRecordings recordings;
  private final RunRegistry registry;
  private final AlertEngine alerts;
  private final List<AutoCloseable> sinks = new ArrayList<>();
  private final Set<String> endedRuns = ConcurrentHashMap.newKeySet();
  private final java.util.Map<String, java.time.Instant> savedLastSeen = new ConcurrentHashMap<>();
  private final ScheduledExecutorService housekeeping;
  private final ScheduledExecutorService forcing;
  /**
   * Writes run rows and declarations off the ingest threads, in order: a SQLite commit (and the
   * periodic peak flush holding the catalog for a moment) must not stall every agent of an event
   * loop. The recordings, written before a frame is acknowledged, hold the same facts, and a
   * restarted collector replays them, so nothing acknowledged depends on this queue.
   */
  private final java.util.concurrent.ExecutorService catalogWriter;
  private HttpApiServer http;
  private IngestServer ingest;
  private long ticks;

  private Collector(CollectorConfig config, RunPredictor predictor, Clock clock) throws IOException {
    this.config = config;
    this.clock = clock;
    Files.createDirectories(config.dataDir());
    this.catalog = CatalogStore.open(config.dataDir().resolve("catalog.db"));
    this.recordings = new RunRecordings(config.dataDir().resolve("recordings"), config.retention(), clock);
    this.registry = new RunRegistry(predictor, config.registryPolicy(), clock);
    this.alerts = new AlertEngine(config.detectors(), clock);
    this.housekeeping = daemonScheduler("headroom-collector-housekeeping");
    this.forcing = daemonScheduler("headroom-collector-fsync");
    this.catalogWriter = daemonScheduler("headroom-collector-catalog");
  }

  private static ScheduledExecutorService daemonScheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Opens the data folder, restores what it holds, and starts the HTTP and ingest servers.
   *
   * @throws IOException naming the file or address that could not be used
   */
  public static Collector start(CollectorConfig config, RunPredictor predictor, Clock clock) throws IOException {
    Collector collector = new Collector(config, predictor, clock);
    try {
      collector.startParts();
      return collector;
    } catch (IOException | RuntimeException e) {
      collector.close();
      throw e;
    }
  }

  private void startParts() throws IOException {
    RecordedDeliveryLedger ledger = restore();
    wireAlerts();
    registry.addListener(recordings);
    registry.addListener(new CatalogListener());
    registry.addListener(new AlertBridge());

    CollectorMetrics metrics = new CollectorMetrics(registry, catalog::recentAlerts, recordings::totalBytes);
    try {
      http = HttpApiServer.start(config.httpListen(), new DashboardRoutes(registry, catalog::recentAlerts, metrics));
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    long periodMillis = config.flushInterval().toMillis();
    housekeeping.scheduleWithFixedDelay(this::tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    forcing.scheduleWithFixedDelay(this::forceRecordings, FORCE_SECONDS, FORCE_SECONDS, TimeUnit.SECONDS);

    IngestConfig ingestConfig = IngestConfig.loopback(0).withToken(config.token());
    ingestConfig = new IngestConfig(config.ingestListen(), ingestConfig.token(), config.ingestTls(),
        ingestConfig.maxFrameBytes(), ingestConfig.maxConnections(), ingestConfig.maxFramesPerSecondPerAgent(),
        ingestConfig.helloTimeout(), ingestConfig.collectorVersion());
    try {
      ingest = IngestServer.start(ingestConfig, registry, ledger);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while opening the ingest port " + config.ingestListen(), e);
    } catch (Exception e) {
      // Netty's sync() rethrows the bind's checked BindException undeclared, hence Exception.
      throw new IOException("cannot listen for agents on " + config.ingestListen() + ": " + e.getMessage(), e);
    }
  }

  private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

  /** Brings back the catalog's runs, then replays the recordings into the registry (no listeners yet). */
  private RecordedDeliveryLedger restore() throws IOException {
    RecordedDeliveryLedger ledger = new RecordedDeliveryLedger();
    List<StoredRun> stored = catalog.loadRuns();
    stored.forEach(registry::restore);
    catalog.loadDeclarations().forEach(registry::restore);
    long replayed = 0;
    Path root = recordings.directory();
    List<Path> agentDirs;
    try (Stream<Path> runDirs = Files.list(root)) {
      agentDirs = runDirs.filter(Files::isDirectory).flatMap(Collector::children).sorted().toList();
    }
    // Replay can take a while with a full retention (gigabytes of recordings): say how far it is.
    long startedNanos = System.nanoTime();
    long lastProgressNanos = startedNanos;
    int done = 0;
    for (Path agentDir : agentDirs) {
      long now = System.nanoTime();
      if (now - lastProgressNanos > PROGRESS_EVERY_NANOS) {
        lastProgressNanos = now;
        log.info("restoring: {} of {} recordings replayed ({} observations, {} s)", done, agentDirs.size(), replayed,
            (now - startedNanos) / 1_000_000_000L);
      }
      done++;
      try (var reader = dev.headroom.protocol.recording.RecordingReader.open(agentDir)) {
        for (RecordedObservation r : reader) {
          var source = r.source();
          if (ledger.seen(source.agentId(), source.bootId(), r.sequence())) {
            continue; // the same frame recorded for a second run (a shared GPU)
          }
          ledger.recorded(r);
          registry.onObservation(
              new AgentIdentity(source.agentId(), source.bootId(), source.hostname(), "recorded"),
              r.sequence(), r.observation());
          replayed++;
        }
        reader.problems().forEach(p -> log.warn("while restoring {}: {}", agentDir, p));
      } catch (IOException | RuntimeException e) {
        // One unreadable recording must not keep the collector (and every other run) down.
        log.error("cannot replay the recording in {} ({}); its run starts from the catalog only", agentDir,
            e.getMessage());
      }
    }
    log.info("restored {} run(s) from {} and replayed {} recorded observation(s) from {} recording(s) in {} ms",
        stored.size(), catalog.file(), replayed, agentDirs.size(), (System.nanoTime() - startedNanos) / 1_000_000L);
    return ledger;
  }

  private static Stream<Path> children(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).toList().stream();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void wireAlerts() {
    alerts.addListener(event -> {
      try {
        catalog.saveAlert(event.alert());
      } catch (RuntimeException e) {
        log.error("cannot keep alert {} in the history: {}", event.alert().key(), e.getMessage());
      }
    });
    alerts.addListener(new LogAlertSink());
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ObjectMapper mapper = new ObjectMapper();
    for (URI url : config.webhooks()) {
      WebhookSink sink = WebhookSink.open(url, config.dataDir(), client, RetryPolicy.defaults(), mapper);
      sinks.add(sink);
      alerts.addListener(sink);
    }
    config.alertmanager().ifPresent(url -> {
      // Wall clock, not the collector's: Alertmanager compares startsAt/endsAt with its own clock,
      // and the collector's may be compressed (demo) or a test's.
      AlertmanagerSink sink = AlertmanagerSink.start(url, client, Duration.ofMinutes(1), Clock.systemUTC(), mapper);
      sinks.add(sink);
      alerts.addListener(sink);
    });
  }

  /** Adds a listener for raised and resolved alerts (the demo's terminal view, tests). */
  public void addAlertListener(AlertListener listener) {
    alerts.addListener(listener);
  }

  /** Keeps the catalog in step with the registry's runs, through {@link #catalogWriter}. */
  private final class CatalogListener implements RunObservationListener {
    @Override
    public void onRunObservation(AgentIdentity from, long sequence, Observation observation, List<String> runIds) {
      if (observation instanceof RunSpecDeclared declared && !runIds.isEmpty()) {
        RunDeclaration declaration = new RunDeclaration(runIds.get(0), from.agentId(), from.hostname(), declared.pid());
        writeCatalog("declaration of run " + declaration.runId(), () -> catalog.saveDeclaration(declaration));
      }
    }

    @Override
    public void onRunChanged(RunView run) {
      StoredRun stored = StoredRun.of(run);
      writeCatalog("run " + run.runId(), () -> catalog.saveRun(stored));
    }

    @Override
    public void onRunMerged(String fromRunId, String intoRunId) {
      writeCatalog("removal of merged run " + fromRunId, () -> catalog.removeRun(fromRunId));
    }
  }

  private void writeCatalog(String what, Runnable write) {
    try {
      catalogWriter.execute(() -> {
        try {
          write.run();
        } catch (RuntimeException e) {
          log.error("cannot keep the {} in the catalog: {}", what, e.getMessage());
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      write.run(); // closing: write it here rather than lose it
    }
  }

  /** Feeds the alert engine, after storage. */
  private final class AlertBridge implements RunObservationListener {
    @Override
    public void onRunObservation(AgentIdentity from, long sequence, Observation observation, List<String> runIds) {
      for (String runId : runIds) {
        alerts.onObservation(runId, from, observation);
      }
    }

    @Override
    public void onRunChanged(RunView run) {
      run.prediction().ifPresent(p -> alerts.onPrediction(run.runId(),
          new RunPrediction(p.deviceBytes(), p.usableBytes(), p.firstMitigation())));
    }

    /** The process run's detectors go with its id; the declared run's take over from here. */
    @Override
    public void onRunMerged(String fromRunId, String intoRunId) {
      alerts.endRun(fromRunId);
    }
  }

  /** Periodic: peaks to the catalog, silence, ended runs, and now and then retention. */
  private void tick() {
    try {
      List<RunView> runs = registry.runs();
      catalog.saveRuns(runs.stream().filter(this::changedSinceSaved).map(StoredRun::of).toList());
      alerts.tick(clock.instant());
      for (RunView run : runs) {
        if (run.status() == RunStatus.ENDED && endedRuns.add(run.runId())) {
          alerts.endRun(run.runId());
        } else if (run.status() != RunStatus.ENDED) {
          endedRuns.remove(run.runId());
        }
      }
      if (++ticks % SWEEP_EVERY_TICKS == 0) {
        recordings.sweep();
      }
    } catch (IOException | RuntimeException e) {
      log.error("collector housekeeping failed (will retry): {}", e.toString());
    }
  }

  /** Periodic, on its own thread so a slow disk delays neither ingest nor alerts. */
  private void forceRecordings() {
    try {
      recordings.forceDirty();
    } catch (RuntimeException e) {
      log.error("forcing recordings to disk failed (will retry): {}", e.toString());
    }
  }

  /** Only runs that saw observations since their last save are written again. */
  private boolean changedSinceSaved(RunView run) {
    return !run.lastSeenAt().equals(savedLastSeen.put(run.runId(), run.lastSeenAt()));
  }

  /**
   * Writes the catalog changes still queued and the current peaks now (tests, and before a planned
   * stop).
   */
  public void flush() {
    try {
      catalogWriter.submit(() -> { }).get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Already closed: the queue was drained then.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      log.error("queued catalog writes did not finish: {}", e.toString());
    }
    catalog.saveRuns(registry.runs().stream().map(StoredRun::of).toList());
  }

  public RunRegistry registry() {
    return registry;
  }

  public AlertEngine alerts() {
    return alerts;
  }

  public CatalogStore catalog() {
    return catalog;
  }

  public RunRecordings recordings() {
    return recordings;
  }

  public InetSocketAddress ingestAddress() {
    return ingest.address();
  }

  public InetSocketAddress httpAddress() {
    return http.address();
  }

  public Optional<IngestServer> ingest() {
    return Optional.ofNullable(ingest);
  }

  /** Stops taking frames first, then flushes and closes storage, sinks and HTTP. */
  @Override
  public void close() throws IOException {
    if (ingest != null) {
      ingest.close();
    }
    housekeeping.shutdown();
    forcing.shutdown();
    try {
      housekeeping.awaitTermination(5, TimeUnit.SECONDS);
      forcing.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      flush();
    } catch (RuntimeException e) {
      log.error("final catalog flush failed: {}", e.toString());
    }
    catalogWriter.shutdown();
    try {
      catalogWriter.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (AutoCloseable sink : sinks) {
      try {
        sink.close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", sink, e.toString());
      }
    }
    recordings.close();
    if (http != null) {
      http.close();
    }
    catalog.close();
  }

}
