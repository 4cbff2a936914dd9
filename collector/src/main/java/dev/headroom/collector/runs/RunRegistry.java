package dev.headroom.collector.runs;

import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.HostMemoryReport;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.analyzer.model.XidObservation;
import dev.headroom.collector.AcceptedFrame;
import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.ObservationListener;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attributes every accepted observation to runs and keeps their state.
 *
 * <p>A run is keyed by its declared id ({@link RunSpecDeclared}: from the reporter for one process,
 * or from the agent's {@code --run-id} with pid 0 for everything that agent sees); without one, by
 * host + GPU + process ({@code host:GPU-uuid:pid}). When a process declares its run id after its
 * memory was already observed, the process run is merged into the declared one.
 *
 * <p>Thread-safe: the ingest server calls {@link #onObservation} concurrently for different agents.
 * Listeners run on the calling thread, in registration order (storage first, then alerts).
 */
public final class RunRegistry implements ObservationListener {
  private static final Logger log = LoggerFactory.getLogger(RunRegistry.class);
  private static final int MAX_RUN_ID_LENGTH = 200;
  /** Restored runs whose series are read from their recordings at the same time, at most. */
  private static final int CONCURRENT_SERIES_LOADS = 2;

  private final RunPredictor predictor;
  private final RegistryPolicy policy;
  private final InstantSource clock;
  private final List<RunObservationListener> listeners = new CopyOnWriteArrayList<>();

  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  /** Agent id → run it declared for everything it sees (its {@code --run-id}). */
  private final Map<String, String> agentRuns = new ConcurrentHashMap<>();
  /** (host, pid) → run the process declared. */
  private final Map<HostPid, String> processRuns = new ConcurrentHashMap<>();
  /** (host, pid) → GPUs the process was last seen on, to place allocator samples without a UUID. */
  private final Map<HostPid, Set<String>> processGpus = new ConcurrentHashMap<>();
  /** GPU uuid → runs with a track on it. */
  private final Map<String, Set<String>> gpuRuns = new ConcurrentHashMap<>();
  /** GPU uuid → latest report, for the fleet view (including idle GPUs). */
  private final Map<String, DeviceReport> latestReports = new ConcurrentHashMap<>();

  /**
   * Frames of a burst whose attribution was applied (series, peaks) but whose listeners failed
   * (storage broke partway): the agent sends them again, and a resent copy reuses its attribution
   * instead of adding its sample to the series a second time. One failed burst per agent life.
   */
  private final Map<AgentLife, Map<Long, List<String>>> appliedNotDelivered = new ConcurrentHashMap<>();

  private record AgentLife(String agentId, String bootId) {}

  private final AtomicLong observations = new AtomicLong();
  private final AtomicLong unattributed = new AtomicLong();
  /**
   * Bounds the disk reads of lazily restored runs: a dashboard opening many ended runs at once
   * must not read all their recordings in parallel.
   */
  private final Semaphore seriesLoads = new Semaphore(CONCURRENT_SERIES_LOADS);
  /** True during {@link #replay}: runs restored from their summary are left alone then. */
  private volatile boolean replaying;

  private record HostPid(String hostname, long pid) {}

  public RunRegistry(RunPredictor predictor, RegistryPolicy policy, InstantSource clock) {
    this.predictor = Objects.requireNonNull(predictor, "predictor");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Adds a listener; storage must be added before the alert engine so a frame is kept first. */
  public void addListener(RunObservationListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public RegistryPolicy policy() {
    return policy;
  }

  @Override
  public void onObservation(AgentIdentity from, long sequence, Observation observation) {
    observations.incrementAndGet();
    // Listeners hear this frame before the next is attributed, so a later merge finds them in step.
    List<String> runIds = attribute(from, observation, new LinkedHashMap<>());
    if (runIds.isEmpty()) {
      unattributed.incrementAndGet();
    }
    recorded(from, sequence, runIds);
    for (RunObservationListener listener : listeners) {
      listener.onRunObservation(from, sequence, observation, runIds);
    }
  }

  /**
   * A burst of one agent's frames: each is attributed in order, then every listener gets the whole
   * batch (storage first, so it writes the burst at once before anything reacts to it).
   */
  @Override
  public void onObservations(AgentIdentity from, List<AcceptedFrame> burst) {
    AgentLife life = new AgentLife(from.agentId(), from.bootId());
    Map<Long, List<String>> applied = appliedNotDelivered.remove(life);
    List<RunObservation> batch = new ArrayList<>(burst.size());
    Map<String, String> mergedInBurst = new LinkedHashMap<>();
    for (AcceptedFrame o : burst) {
      List<String> runIds = applied == null ? null : applied.remove(o.sequence());
      if (runIds == null) {
        observations.incrementAndGet();
        runIds = attribute(from, o.observation(), mergedInBurst);
        if (runIds.isEmpty()) {
          unattributed.incrementAndGet();
        }
        recorded(from, o.sequence(), runIds);
      }
      batch.add(new RunObservation(o.sequence(), o.observation(), runIds, o.observationFrameBytes()));
    }
    if (!mergedInBurst.isEmpty()) {
      // Listeners hear the burst only now, after the merge: its earlier frames go to the run that
      // absorbed their process run, or the alert engine would revive the merged id as a phantom run.
      batch.replaceAll(r -> new RunObservation(r.sequence(), r.observation(),
          redirected(r.runIds(), mergedInBurst), r.observationFrameBytes()));
    }
    if (applied != null && !applied.isEmpty()) {
      // A resend split over several bursts: the rest of the failed one may still come.
      long last = burst.isEmpty() ? 0 : burst.get(burst.size() - 1).sequence();
      applied.keySet().removeIf(seq -> seq <= last);
      if (!applied.isEmpty()) {
        appliedNotDelivered.put(life, applied);
      }
    }
    try {
      for (RunObservationListener listener : listeners) {
        listener.onRunObservations(from, batch);
      }
    } catch (RuntimeException e) {
      Map<Long, List<String>> pending = new ConcurrentHashMap<>();
      for (RunObservation r : batch) {
        pending.put(r.sequence(), r.runIds());
      }
      appliedNotDelivered.merge(life, pending, (a, b) -> {
        a.putAll(b);
        return a;
      });
      throw e;
    }
  }

  /**
   * Replays a recorded observation while restoring (before ingest starts, one thread): like {@link
   * #onObservation}, except that runs restored from their summary are left as they are, since their
   * own recording holds this frame too and their series come from it when needed.
   */
  public void replay(AgentIdentity from, long sequence, Observation observation) {
    replaying = true;
    try {
      onObservation(from, sequence, observation);
    } finally {
      replaying = false;
    }
  }

  /** Each run a frame went to remembers it, so its summary can tell what its recording holds. */
  private void recorded(AgentIdentity from, long sequence, List<String> runIds) {
    for (String id : runIds) {
      Run run = runs.get(id);
      if (run != null && prepared(run)) {
        run.recorded(from.agentId(), from.bootId(), sequence);
      }
    }
  }

  /**
   * Whether an observation may be applied to {@code run} now. A run restored from its summary gets
   * its series from its recording first, so a new point lands after the old ones; while replaying,
   * such a run is skipped (its recording has the frame).
   */
  private boolean prepared(Run run) {
    if (!run.seriesPending()) {
      return true;
    }
    if (replaying) {
      return false;
    }
    run.loadSeries();
    return true;
  }

  private static List<String> redirected(List<String> runIds, Map<String, String> merged) {
    if (runIds.stream().noneMatch(merged::containsKey)) {
      return runIds;
    }
    Set<String> ids = new LinkedHashSet<>();
    for (String id : runIds) {
      ids.add(merged.getOrDefault(id, id));
    }
    return List.copyOf(ids);
  }

  /** @param merged collects (process run → declared run) for each merge this observation causes */
  private List<String> attribute(AgentIdentity from, Observation observation, Map<String, String> merged) {
    // Java 17: no pattern switch yet; the sealed interface keeps this list complete.
    if (observation instanceof DeviceReport report) {
      return onDeviceReport(from, report);
    } else if (observation instanceof AllocatorSample sample) {
      return onAllocator(from, sample);
    } else if (observation instanceof StepMark mark) {
      return onStep(from, mark);
    } else if (observation instanceof RunSpecDeclared declared) {
      return onDeclared(from, declared, merged);
    } else if (observation instanceof XidObservation xid) {
      return runsOnGpu(from, xid.uuid(), xid.at());
    } else if (observation instanceof HostMemoryReport host) {
      return agentRun(from, host.at());
    }
    throw new IllegalArgumentException("unknown observation type " + observation.getClass());
  }

  private List<String> onDeviceReport(AgentIdentity from, DeviceReport report) {
    latestReports.put(report.uuid(), report);
    Set<String> targets = new LinkedHashSet<>();
    String agentRunId = agentRuns.get(from.agentId());
    for (ProcessReport process : report.processes()) {
      HostPid key = new HostPid(report.hostname(), process.pid());
      processGpus.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(report.uuid());
      String declared = processRuns.get(key);
      if (declared != null) {
        targets.add(declared);
      } else if (agentRunId != null) {
        targets.add(agentRunId);
      } else {
        String id = processRunId(report.hostname(), report.uuid(), process.pid());
        Run run = runOrCreate(id, RunKeySource.PROCESS, report.hostname(), report.at());
        if (prepared(run)) {
          run.addPid(process.pid());
        }
        targets.add(id);
      }
    }
    if (agentRunId != null && report.processes().isEmpty()) {
      targets.add(agentRunId);
    }
    // Runs whose processes were on this GPU last time see this report too: that is how they learn
    // that their process left.
    Set<String> onGpu = gpuRuns.getOrDefault(report.uuid(), Set.of());
    for (String id : onGpu) {
      Run run = runs.get(id);
      if (run != null && run.presentOn(report.uuid())) {
        targets.add(id);
      } else if (!targets.contains(id)) {
        // Gone from this GPU: stop visiting it on every report (process churn would pile up).
        // It is added back below if one of its processes is in this report.
        onGpu.remove(id);
      }
    }
    for (String id : targets) {
      Run run = runs.get(id);
      if (run != null && prepared(run)) {
        run.onDeviceReport(from, report);
        gpuRuns.computeIfAbsent(report.uuid(), u -> ConcurrentHashMap.newKeySet()).add(id);
      }
    }
    return List.copyOf(targets);
  }

  private List<String> onAllocator(AgentIdentity from, AllocatorSample sample) {
    HostPid key = new HostPid(from.hostname(), sample.pid());
    Optional<String> uuid = sample.uuid().or(() -> onlyGpuOf(key));
    Optional<String> runId = runOfProcess(from.agentId(), key, uuid);
    if (runId.isEmpty()) {
      return List.of();
    }
    Run run = runs.get(runId.get());
    if (run == null) {
      return List.of();
    }
    if (!prepared(run)) {
      return List.of(run.runId);
    }
    Optional<String> placed = uuid.or(() -> gpuByFrameworkOrdinal(run, key, sample.cudaDevice()));
    if (placed.isEmpty()) {
      run.seen(sample.at());
      return List.of(run.runId);
    }
    run.onAllocator(placed.get(), sample);
    gpuRuns.computeIfAbsent(placed.get(), u -> ConcurrentHashMap.newKeySet()).add(run.runId);
    return List.of(run.runId);
  }

  private Optional<String> onlyGpuOf(HostPid key) {
    Set<String> gpus = processGpus.get(key);
    return gpus != null && gpus.size() == 1 ? gpus.stream().findFirst() : Optional.empty();
  }

  /** A process on several GPUs: its framework ordinal usually matches the NVML index there. */
  private Optional<String> gpuByFrameworkOrdinal(Run run, HostPid key, int cudaDevice) {
    for (String uuid : processGpus.getOrDefault(key, Set.of())) {
      DeviceReport latest = latestReports.get(uuid);
      if (latest != null && latest.index() == cudaDevice && run.hasTrack(uuid)) {
        return Optional.of(uuid);
      }
    }
    return Optional.empty();
  }

  private Optional<String> runOfProcess(String agentId, HostPid key, Optional<String> uuid) {
    String declared = processRuns.get(key);
    if (declared != null) {
      return Optional.of(declared);
    }
    String agentLevel = agentRuns.get(agentId);
    if (agentLevel != null && runs.containsKey(agentLevel)) {
      return Optional.of(agentLevel);
    }
    return uuid.map(u -> processRunId(key.hostname(), u, key.pid())).filter(runs::containsKey);
  }

  private List<String> onStep(AgentIdentity from, StepMark mark) {
    HostPid key = new HostPid(from.hostname(), mark.pid());
    Optional<String> runId = runOfProcess(from.agentId(), key, onlyGpuOf(key));
    runId.map(runs::get).filter(this::prepared).ifPresent(run -> run.onStep(mark.step(), mark.at()));
    return runId.filter(runs::containsKey).map(List::of).orElse(List.of());
  }

  private List<String> onDeclared(AgentIdentity from, RunSpecDeclared declared, Map<String, String> merged) {
    String runId = cleanRunId(declared.runId());
    if (runId.isEmpty()) {
      return List.of();
    }
    Run run = runOrCreate(runId, RunKeySource.DECLARED, from.hostname(), declared.at());
    if (!prepared(run)) {
      return List.of(runId);
    }
    if (declared.pid() == 0) {
      agentRuns.put(from.agentId(), runId);
    } else {
      HostPid key = new HostPid(from.hostname(), declared.pid());
      processRuns.put(key, runId);
      run.addPid(declared.pid());
      mergeProcessRuns(key, run, merged);
    }
    run.seen(declared.at());
    if (run.declare(declared.specJson(), predictor)) {
      RunView view = run.view(policy, clock.instant());
      listeners.forEach(l -> l.onRunChanged(view));
    }
    return List.of(runId);
  }

  private void mergeProcessRuns(HostPid key, Run into, Map<String, String> merged) {
    for (String uuid : processGpus.getOrDefault(key, Set.of())) {
      String id = processRunId(key.hostname(), uuid, key.pid());
      Run processRun = runs.remove(id);
      if (processRun != null) {
        into.absorb(processRun);
        merged.put(id, into.runId);
        Set<String> onGpu = gpuRuns.get(uuid);
        if (onGpu != null) {
          onGpu.remove(id);
          onGpu.add(into.runId);
        }
        listeners.forEach(l -> l.onRunMerged(id, into.runId));
      }
    }
  }

  private List<String> runsOnGpu(AgentIdentity from, String uuid, Instant at) {
    Set<String> targets = new LinkedHashSet<>();
    for (String id : gpuRuns.getOrDefault(uuid, Set.of())) {
      Run run = runs.get(id);
      if (run != null && run.presentOn(uuid)) {
        if (prepared(run)) {
          run.seen(at);
        }
        targets.add(id);
      }
    }
    targets.addAll(agentRun(from, at));
    return List.copyOf(targets);
  }

  private List<String> agentRun(AgentIdentity from, Instant at) {
    String id = agentRuns.get(from.agentId());
    Run run = id == null ? null : runs.get(id);
    if (run == null) {
      return List.of();
    }
    if (prepared(run)) {
      run.seen(at);
    }
    return List.of(id);
  }

  private Run runOrCreate(String runId, RunKeySource source, String hostname, Instant at) {
    Run existing = runs.get(runId);
    if (existing != null) {
      return existing;
    }
    Run created = new Run(runId, source, hostname, at, policy.seriesPoints());
    Run raced = runs.putIfAbsent(runId, created);
    if (raced != null) {
      return raced;
    }
    RunView view = created.view(policy, clock.instant());
    listeners.forEach(l -> l.onRunChanged(view));
    return created;
  }

  /** The id of a run nobody declared: host, GPU and process. */
  public static String processRunId(String hostname, String uuid, long pid) {
    return hostname + ":" + uuid + ":" + pid;
  }

  /** Run ids come from the network: keep them printable and bounded so they are safe to show. */
  static String cleanRunId(String raw) {
    String trimmed = raw == null ? "" : raw.strip();
    StringBuilder out = new StringBuilder(Math.min(trimmed.length(), MAX_RUN_ID_LENGTH));
    trimmed.codePoints()
        .limit(MAX_RUN_ID_LENGTH)
        .forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '_' : c));
    return out.toString();
  }

  /** Brings back a run the catalog kept across a restart (before ingest starts). */
  public void restore(StoredRun stored) {
    Run run = runOrCreateQuietly(stored);
    run.restore(stored.lastSeenAt(), stored.specJson(), predictor, stored.gpus());
    for (StoredGpu gpu : stored.gpus()) {
      gpuRuns.computeIfAbsent(gpu.uuid(), u -> ConcurrentHashMap.newKeySet()).add(stored.runId());
    }
  }

  /** Brings back who declared a run (before ingest starts, after {@link #restore(StoredRun)}). */
  public void restore(RunDeclaration declaration) {
    Run run = runs.get(declaration.runId());
    if (run == null) {
      return; // its run was merged away or removed
    }
    if (declaration.pid() == 0) {
      agentRuns.put(declaration.agentId(), declaration.runId());
    } else {
      processRuns.put(new HostPid(declaration.hostname(), declaration.pid()), declaration.runId());
      run.addPid(declaration.pid());
    }
  }

  /**
   * Brings back a run from its catalog summary alone (before ingest starts): its view is the
   * summary's, and its series are read from {@code recordings} the first time they are asked for,
   * or before the first new observation is applied to it. For ended runs, so that start-up does not
   * read every retained recording.
   *
   * @throws IllegalArgumentException when {@code stored} has no summary
   */
  public void restoreWithoutSeries(StoredRun stored, RecordedRunSource recordings) {
    RunSummary summary = stored.summary().orElseThrow(
        () -> new IllegalArgumentException("run " + stored.runId() + " has no summary to restore from"));
    Run run = runOrCreateQuietly(stored);
    run.restoreSummary(stored.specJson(), predictor, summary, () -> replaySeries(stored, recordings));
    for (GpuSummary gpu : summary.gpus()) {
      gpuRuns.computeIfAbsent(gpu.uuid(), u -> ConcurrentHashMap.newKeySet()).add(stored.runId());
    }
  }

  /**
   * Rebuilds one restored run's series by replaying its recording into a scratch registry that
   * knows the same declarations (so each frame is attributed as it was when it arrived), then hands
   * the scratch run's tracks over. A recording that cannot be read leaves the run with its summary.
   */
  private Map<String, GpuTrack> replaySeries(StoredRun stored, RecordedRunSource recordings) {
    long startedNanos = System.nanoTime();
    seriesLoads.acquireUninterruptibly();
    try {
      RunRegistry scratch = new RunRegistry(RunPredictor.NONE, policy, clock);
      scratch.agentRuns.putAll(agentRuns);
      scratch.processRuns.putAll(processRuns);
      scratch.runs.put(stored.runId(),
          new Run(stored.runId(), stored.source(), stored.hostname(), stored.startedAt(), policy.seriesPoints()));
      long observed = recordings.replay(stored.runId(), scratch);
      Run replayed = scratch.runs.get(stored.runId());
      log.info("loaded the series of run {} from {} recorded observation(s) in {} ms", stored.runId(), observed,
          (System.nanoTime() - startedNanos) / 1_000_000L);
      return replayed == null ? Map.of() : replayed.tracks();
    } catch (java.io.IOException | RuntimeException e) {
      log.error("cannot read the series of run {} from its recording ({}); it shows its summary only",
          stored.runId(), e.toString());
      return Map.of();
    } finally {
      seriesLoads.release();
    }
  }

  /** True while a run restored from its summary has not read its series yet. */
  public boolean seriesPending(String runId) {
    Run run = runs.get(runId);
    return run != null && run.seriesPending();
  }

  /**
   * Keeps {@code report} as its GPU's latest for the fleet view unless a later one is known (the
   * tail of a recording that was not replayed, while restoring).
   */
  public void restoreLatestReport(DeviceReport report) {
    latestReports.merge(report.uuid(), report, (known, restored) -> restored.at().isAfter(known.at()) ? restored : known);
  }

  /** Every run as the catalog keeps it, each with a summary taken under the run's lock. */
  public List<StoredRun> storedRuns() {
    Instant now = clock.instant();
    List<StoredRun> out = new ArrayList<>(runs.size());
    for (Run run : runs.values()) {
      out.add(run.stored(policy, now));
    }
    return out;
  }

  /** One run as the catalog keeps it, with its summary. */
  public Optional<StoredRun> storedRun(String runId) {
    return Optional.ofNullable(runs.get(runId)).map(r -> r.stored(policy, clock.instant()));
  }

  private Run runOrCreateQuietly(StoredRun stored) {
    return runs.computeIfAbsent(
        stored.runId(),
        id -> new Run(id, stored.source(), stored.hostname(), stored.startedAt(), policy.seriesPoints()));
  }

  /**
   * The agents of every run not ended, each with its latest report and cadence: after a restore,
   * who the alert engine should expect frames from.
   */
  public Map<String, List<AgentSummary>> liveRunAgents() {
    Instant now = clock.instant();
    Map<String, List<AgentSummary>> out = new LinkedHashMap<>();
    for (Run run : runs.values()) {
      if (run.view(policy, now).status() != RunStatus.ENDED) {
        List<AgentSummary> agents = run.agents();
        if (!agents.isEmpty()) {
          out.put(run.runId, agents);
        }
      }
    }
    return out;
  }

  /** How many runs the registry holds. */
  public int runCount() {
    return runs.size();
  }

  /** Every run: active ones first, then silent, then ended; within each the most recently seen first. */
  public List<RunView> runs() {
    Instant now = clock.instant();
    List<RunView> out = new ArrayList<>(runs.size());
    for (Run run : runs.values()) {
      out.add(run.view(policy, now));
    }
    out.sort(Comparator.comparing(RunView::status)
        .thenComparing(Comparator.comparing(RunView::lastSeenAt).reversed())
        .thenComparing(RunView::runId));
    return out;
  }

  public Optional<RunView> run(String runId) {
    return Optional.ofNullable(runs.get(runId)).map(r -> r.view(policy, clock.instant()));
  }

  public Optional<GpuSeries> series(String runId, String uuid) {
    return Optional.ofNullable(runs.get(runId)).flatMap(r -> r.series(uuid));
  }

  /** The latest report of every GPU any agent reported, with or without a run. */
  public List<DeviceReport> latestDeviceReports() {
    return latestReports.values().stream()
        .sorted(Comparator.comparing(DeviceReport::hostname).thenComparingInt(DeviceReport::index))
        .toList();
  }

  /** Observations handed to the registry since it started. */
  public long observationCount() {
    return observations.get();
  }

  /** Observations that belonged to no run (idle GPUs, unknown processes). */
  public long unattributedCount() {
    return unattributed.get();
  }
}
