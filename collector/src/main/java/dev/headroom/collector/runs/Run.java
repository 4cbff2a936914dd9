package dev.headroom.collector.runs;

import dev.headroom.analyzer.alert.ReportCadence;
import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.collector.AgentIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The mutable state of one run. Every method is synchronized: observations for one run can come
 * from several agents (one per node of a multi-node job) on different event-loop threads.
 */
final class Run {
  final String runId;
  final RunKeySource source;
  private final String hostname;
  private final Instant startedAt;
  private Instant lastSeenAt;
  /** The reporting agent's cadence at the latest report: how long silence takes. */
  private Duration reportInterval = Duration.ZERO;
  /** Per agent id, its cadence and latest report, in the order they first reported. */
  private final Map<String, AgentTrack> agents = new LinkedHashMap<>();
  private String specJson;
  private PredictedPeaks prediction;
  private String predictionError;
  private long lastStep = -1;
  /** The run's own processes (host-local PIDs); empty: every process on its GPUs is the run's. */
  private final Set<Long> pids = new HashSet<>();
  private final Map<String, GpuTrack> gpus = new LinkedHashMap<>();
  private final int seriesPoints;
  /** Per agent life, the last frame attributed to this run: what its recordings end with. */
  private final Map<AgentLife, Long> recordedThrough = new LinkedHashMap<>();
  /** Non-null while the series of a run restored from its summary are still in its recording. */
  private SeriesLoad pendingSeries;

  private record AgentLife(String agentId, String bootId) {}

  /** One agent's reports for this run, as the alert engine's silence detector reads them too. */
  private static final class AgentTrack {
    final String hostname;
    final ReportCadence cadence = new ReportCadence();
    Instant lastReportAt;

    AgentTrack(String hostname, Instant lastReportAt) {
      this.hostname = hostname;
      this.lastReportAt = lastReportAt;
    }

    AgentSummary summary(String agentId) {
      return new AgentSummary(agentId, hostname, lastReportAt, cadence.intervalOr(Duration.ZERO));
    }
  }

  /** Rebuilds a restored run's series from its recording: GPU uuid → a track holding them. */
  @FunctionalInterface
  interface SeriesLoad {
    Map<String, GpuTrack> load();
  }

  Run(String runId, RunKeySource source, String hostname, Instant startedAt, int seriesPoints) {
    this.runId = runId;
    this.source = source;
    this.hostname = hostname;
    this.startedAt = startedAt;
    this.lastSeenAt = startedAt;
    this.seriesPoints = seriesPoints;
  }

  synchronized void seen(Instant at) {
    if (at.isAfter(lastSeenAt)) {
      lastSeenAt = at;
    }
  }

  /** Frame {@code sequence} of (agent, boot) was attributed to this run. */
  synchronized void recorded(String agentId, String bootId, long sequence) {
    recordedThrough.merge(new AgentLife(agentId, bootId), sequence, Math::max);
  }

  synchronized boolean seriesPending() {
    return pendingSeries != null;
  }

  /**
   * Reads the series of a run restored from its summary from its recording, once; the caller (the
   * registry) bounds how many run at a time. Holding this run's lock meanwhile makes every other
   * reader and writer of the run wait for the series rather than see them half-built.
   */
  synchronized void loadSeries() {
    SeriesLoad load = pendingSeries;
    if (load == null) {
      return;
    }
    pendingSeries = null;
    for (Map.Entry<String, GpuTrack> replayed : load.load().entrySet()) {
      track(replayed.getKey()).adoptSeries(replayed.getValue());
    }
  }

  synchronized void addPid(long pid) {
    pids.add(pid);
  }

  synchronized boolean hasTrack(String uuid) {
    return gpus.containsKey(uuid);
  }

  /** True when the run's processes were on this GPU in its latest report. */
  synchronized boolean presentOn(String uuid) {
    GpuTrack track = gpus.get(uuid);
    return track != null && track.runProcessPresent();
  }

  synchronized void onDeviceReport(AgentIdentity from, DeviceReport report) {
    track(report.uuid()).onReport(report, pids);
    // The time between the agent's reports, as the agent-silent alert reads it: a report's own
    // span is shorter (it starts at its first sample), and so is the one an agent flushes as it stops.
    AgentTrack agent = agents.get(from.agentId());
    if (agent == null) {
      agent = new AgentTrack(from.hostname(), report.at());
      agents.put(from.agentId(), agent);
    } else if (report.at().isAfter(agent.lastReportAt)) {
      agent.lastReportAt = report.at();
    }
    agent.cadence.report(from.bootId(), report);
    reportInterval = agent.cadence.intervalOr(Duration.ZERO);
    seen(report.at());
  }

  /** The agents that reported for this run, each with its latest report and cadence. */
  synchronized List<AgentSummary> agents() {
    List<AgentSummary> out = new ArrayList<>(agents.size());
    agents.forEach((id, agent) -> out.add(agent.summary(id)));
    return out;
  }

  synchronized void onAllocator(String uuid, AllocatorSample sample) {
    track(uuid).onAllocator(sample);
    seen(sample.at());
  }

  synchronized void onStep(long step, Instant at) {
    lastStep = Math.max(lastStep, step);
    seen(at);
  }

  /**
   * Records the spec and predicts from it once; a later identical declaration (every rank of a
   * distributed job declares the same run) does not predict again.
   *
   * @return true when this declaration changed the spec
   */
  synchronized boolean declare(String spec, RunPredictor predictor) {
    if (spec.equals(specJson)) {
      return false;
    }
    specJson = spec;
    prediction = null;
    predictionError = null;
    try {
      prediction = predictor.predict(spec);
    } catch (IllegalArgumentException e) {
      predictionError = e.getMessage();
    } catch (RuntimeException e) {
      predictionError = "predictor failed: " + e;
    }
    return true;
  }

  synchronized Optional<PredictedPeaks> prediction() {
    return Optional.ofNullable(prediction);
  }

  /** Moves another run's GPUs into this one (a process run that later declared its run id). */
  synchronized void absorb(Run other) {
    loadSeries();
    synchronized (other) {
      other.loadSeries();
      other.gpus.forEach(gpus::putIfAbsent);
      other.recordedThrough.forEach((life, seq) -> recordedThrough.merge(life, seq, Math::max));
      pids.addAll(other.pids);
      other.agents.forEach(agents::putIfAbsent);
      seen(other.lastSeenAt);
    }
  }

  synchronized void restore(
      Instant lastSeen, Optional<String> spec, RunPredictor predictor, List<StoredGpu> stored) {
    seen(lastSeen);
    spec.ifPresent(s -> declare(s, predictor));
    for (StoredGpu gpu : stored) {
      track(gpu.uuid()).restore(gpu);
    }
  }

  /**
   * Brings back a run from the summary taken before a restart: everything its view shows, while its
   * series stay in the recording until {@link #loadSeries()}.
   */
  synchronized void restoreSummary(Optional<String> spec, RunPredictor predictor, RunSummary summary, SeriesLoad load) {
    seen(summary.lastSeenAt());
    spec.ifPresent(s -> declare(s, predictor));
    reportInterval = summary.reportInterval();
    lastStep = Math.max(lastStep, summary.lastStep().orElse(-1));
    for (GpuSummary gpu : summary.gpus()) {
      track(gpu.uuid()).restoreSummary(gpu);
    }
    for (RecordedThrough r : summary.recordedThrough()) {
      recorded(r.agentId(), r.bootId(), r.sequence());
    }
    for (AgentSummary a : summaryAgents(summary)) {
      AgentTrack agent = new AgentTrack(a.hostname(), a.lastReportAt());
      agent.cadence.interval(a.reportInterval());
      agents.putIfAbsent(a.agentId(), agent);
    }
    pendingSeries = load;
  }

  /**
   * The summary's agents; for the summary of an older collector (none kept), the agents of its
   * recorded lives, on the run's first node, last seen with the run at the run's cadence.
   */
  private List<AgentSummary> summaryAgents(RunSummary summary) {
    if (!summary.agents().isEmpty()) {
      return summary.agents();
    }
    Map<String, AgentSummary> out = new LinkedHashMap<>();
    for (RecordedThrough r : summary.recordedThrough()) {
      out.putIfAbsent(r.agentId(), new AgentSummary(r.agentId(), hostname, summary.lastSeenAt(), summary.reportInterval()));
    }
    return List.copyOf(out.values());
  }

  /** The run as the catalog keeps it, with a summary taken under this lock. */
  synchronized StoredRun stored(RegistryPolicy policy, Instant now) {
    RunView view = view(policy, now);
    List<GpuSummary> summaries = new ArrayList<>();
    for (GpuView g : view.gpus()) {
      summaries.add(gpus.get(g.uuid()).summary());
    }
    List<RecordedThrough> through = new ArrayList<>();
    recordedThrough.forEach((life, seq) -> through.add(new RecordedThrough(life.agentId(), life.bootId(), seq)));
    RunSummary summary = new RunSummary(
        lastSeenAt, view.status(), reportInterval, view.lastStep(), summaries, through, agents());
    return new StoredRun(runId, source, hostname, startedAt, lastSeenAt, Optional.ofNullable(specJson),
        view.gpus().stream().map(StoredGpu::of).toList(), Optional.of(summary));
  }

  private GpuTrack track(String uuid) {
    return gpus.computeIfAbsent(uuid, u -> new GpuTrack(u, seriesPoints));
  }

  /** The GPU tracks as they are (a scratch registry's replayed run hands them over this way). */
  synchronized Map<String, GpuTrack> tracks() {
    return new LinkedHashMap<>(gpus);
  }

  synchronized Optional<GpuSeries> series(String uuid) {
    loadSeries();
    return Optional.ofNullable(gpus.get(uuid)).map(GpuTrack::series);
  }

  synchronized RunView view(RegistryPolicy policy, Instant now) {
    Optional<PredictedPeaks> predicted = Optional.ofNullable(prediction);
    List<GpuView> views = new ArrayList<>();
    for (GpuTrack track : gpus.values()) {
      views.add(track.view(policy, predicted));
    }
    views.sort(Comparator.comparing(GpuView::hostname, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparingInt(GpuView::index));
    return new RunView(
        runId,
        source,
        hostname,
        status(policy, now),
        startedAt,
        lastSeenAt,
        Optional.ofNullable(specJson),
        predicted,
        Optional.ofNullable(predictionError),
        lastStep >= 0 ? OptionalLong.of(lastStep) : OptionalLong.empty(),
        views);
  }

  private RunStatus status(RegistryPolicy policy, Instant now) {
    boolean everPresent = gpus.values().stream().anyMatch(GpuTrack::sawRunProcess);
    boolean presentNow = gpus.values().stream().anyMatch(GpuTrack::runProcessPresent);
    if (everPresent && !presentNow) {
      return RunStatus.ENDED;
    }
    Duration silence = reportInterval.multipliedBy(3);
    if (silence.compareTo(policy.minimumSilence()) < 0) {
      silence = policy.minimumSilence();
    }
    return Duration.between(lastSeenAt, now).compareTo(silence) > 0 ? RunStatus.SILENT : RunStatus.ACTIVE;
  }
}
