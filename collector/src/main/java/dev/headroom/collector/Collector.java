package dev.headroom.collector;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.analyzer.alert.Alert;
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
import dev.headroom.collector.ingest.InMemoryDeliveryLedger;
import dev.headroom.collector.ingest.IngestConfig;
import dev.headroom.collector.ingest.IngestServer;
import dev.headroom.collector.runs.AgentSummary;
import dev.headroom.collector.runs.RunDeclaration;
import dev.headroom.collector.runs.RunObservationListener;
import dev.headroom.collector.runs.RunPredictor;
import dev.headroom.collector.runs.RunRegistry;
import dev.headroom.collector.runs.RunStatus;
import dev.headroom.collector.runs.RunView;
import dev.headroom.collector.runs.StoredRun;
import dev.headroom.collector.store.CatalogStore;
import dev.headroom.collector.store.RecordingReplay;
import dev.headroom.collector.store.RecordingTail;
import dev.headroom.collector.store.RestorePlan;
import dev.headroom.collector.store.RunRecordings;
import dev.headroom.collector.store.StoreException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
  /** What the catalog holds of each run, as last saved by the periodic flush: only changes are written. */
  private final Map<String, StoredRun> savedRuns = new ConcurrentHashMap<>();
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
    try {
      this.recordings = new RunRecordings(config.dataDir().resolve("recordings"), config.retention(), clock);
    } catch (IOException e) {
      catalog.close();
      throw e;
    }
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
    InMemoryDeliveryLedger ledger;
    try {
      ledger = restore();
    } catch (StoreException e) {
      // A catalog SQLite opens but cannot read through is the data folder's problem, not a bug.
      throw new IOException(e.getMessage(), e);
    }
    wireAlerts();
    adoptActiveAlerts();
    watchRestoredAgents();
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

    // The ingest defaults for the limits; only where to listen, the token and TLS come from the config.
    IngestConfig ingestConfig = IngestConfig.loopback(0).withListen(config.ingestListen()).withToken(config.token());
    if (config.ingestTls().isPresent()) {
      ingestConfig = ingestConfig.withTls(config.ingestTls().get());
    }
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

  /**
   * Brings back the catalog's runs and declarations, then the recordings (no listeners yet). Start-up
   * reads what the live runs hold, not what retention keeps ({@link RestorePlan}): a run that was
   * not live and whose catalog summary covers its recording comes back from the summary, its series
   * read the first time they are asked for; only the others are replayed. The duplicate filter is
   * seeded from the replay and from the tail (last segment) of every recording not replayed.
   */
  private InMemoryDeliveryLedger restore() throws IOException {
    long startedNanos = System.nanoTime();
    InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger();
    Map<String, List<String>> merges = catalog.loadMerges();
    RestorePlan plan = RestorePlan.of(recordings, catalog.loadRuns(), merges, clock.instant(),
        config.retention().idleWriterTimeout());
    for (StoredRun run : plan.fromSummary()) {
      registry.restoreWithoutSeries(run, (runId, into) ->
          RecordingReplay.replay(RestorePlan.foldersOf(recordings, runId, merges), into).observations());
    }
    plan.replayedRuns().forEach(registry::restore);
    catalog.loadDeclarations().forEach(registry::restore);

    RecordingReplay.Replayed replayed = RecordingReplay.replay(plan.replayFolders(), (from, sequence, observation) -> {
      ledger.delivered(from.agentId(), from.bootId(), sequence);
      registry.replay(from, sequence, observation);
    });
    Map<Path, Long> lastSequences = new HashMap<>(replayed.lastSequences());
    for (RecordingTail tail : plan.tails()) {
      ledger.delivered(tail.agentId(), tail.bootId(), tail.lastSequence());
      tail.latestReports().forEach(registry::restoreLatestReport);
      lastSequences.merge(tail.folder(), tail.lastSequence(), Math::max);
    }
    recordings.knownLastSequences(lastSequences);
    // The summarised runs are in the catalog as they are now: the first flush need not write them.
    for (StoredRun run : plan.fromSummary()) {
      registry.storedRun(run.runId()).ifPresent(now -> savedRuns.put(now.runId(), now));
    }
    // Runs only the recordings know (a catalog lost, or rows not yet written at a crash) come back
    // through the replay too: count what the registry holds, not the catalog's rows.
    int catalogRuns = plan.fromSummary().size() + plan.replayedRuns().size();
    int recordingOnlyRuns = Math.max(0, registry.runCount() - catalogRuns);
    log.info("restored {} run(s) from {} and its recordings: {} from their summary (series read when first viewed),"
            + " {} replayed from {} recording(s) ({} observations){}; read the end of {} other recording(s); in {} ms",
        registry.runCount(), catalog.file(), plan.fromSummary().size(), plan.replayedRuns().size() + recordingOnlyRuns,
        plan.replayFolders().size(), replayed.observations(),
        recordingOnlyRuns > 0 ? ", " + recordingOnlyRuns + " of them known only to the recordings" : "",
        plan.tails().size(), (System.nanoTime() - startedNanos) / 1_000_000L);
    return ledger;
  }

  /**
   * Alerts active when the previous collector stopped go back to the engine, so the evidence after
   * the restart resolves them (an agent's next frame, a GPU back under the threshold, the first
   * tick for a run that ended); left in the catalog alone they would stay active for ever. An alert
   * of a run no longer kept (retention) stays as it was: nothing will ever judge it.
   */
  private void adoptActiveAlerts() {
    int adopted = 0;
    for (Alert alert : catalog.activeAlerts()) {
      if (registry.run(alert.runId()).isPresent()) {
        alerts.adopt(alert);
        adopted++;
      }
    }
    if (adopted > 0) {
      log.info("{} alert(s) active before the restart are judged again from the next evidence", adopted);
    }
  }

  /**
   * The runs live when the previous collector stopped go back to the alert engine as it knew them.
   * Their agents go to its silence detectors: one that never sends again is alerted once its usual
   * allowance after start-up has passed, as it would have been had the collector stayed up. Their
   * predictions go to its GPU detectors, so a predicted-oom alert adopted from before the restart
   * is judged against the prediction rather than resolved by the first report. Ended runs expect
   * no one.
   */
  private void watchRestoredAgents() {
    for (RunView run : registry.runs()) {
      if (run.status() != RunStatus.ENDED) {
        run.prediction().ifPresent(p -> alerts.onPrediction(run.runId(),
            new RunPrediction(p.deviceBytes(), p.usableBytes(), p.firstMitigation())));
      }
    }
    int watched = 0;
    Map<String, List<AgentSummary>> live = registry.liveRunAgents();
    for (Map.Entry<String, List<AgentSummary>> run : live.entrySet()) {
      for (AgentSummary agent : run.getValue()) {
        alerts.restoredAgent(run.getKey(), agent.agentId(), agent.hostname(), agent.lastReportAt(),
            agent.reportInterval());
        watched++;
      }
    }
    if (watched > 0) {
      log.info("expecting frames from {} agent(s) of {} run(s) live before the restart; silence counts from now",
          watched, live.size());
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
      writeCatalog("merge of run " + fromRunId + " into " + intoRunId, () -> {
        catalog.removeRun(fromRunId);
        catalog.saveMerge(fromRunId, intoRunId);
      });
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
      saveChangedRuns();
      List<RunView> runs = registry.runs();
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

  /**
   * Writes the runs whose summary changed since their last save (peaks, last values, status, the
   * frames it covers), each with its summary, so a restart can show them without a replay.
   */
  private void saveChangedRuns() {
    List<StoredRun> changed = registry.storedRuns().stream()
        .filter(run -> !run.equals(savedRuns.get(run.runId())))
        .toList();
    if (!changed.isEmpty()) {
      catalog.saveRuns(changed);
      changed.forEach(run -> savedRuns.put(run.runId(), run));
    }
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
    List<StoredRun> all = registry.storedRuns();
    catalog.saveRuns(all);
    all.forEach(run -> savedRuns.put(run.runId(), run));
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
