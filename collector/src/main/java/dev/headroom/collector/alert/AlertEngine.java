package dev.headroom.collector.alert;

import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertEvent;
import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.AlertScope;
import dev.headroom.analyzer.alert.AlertTracker;
import dev.headroom.analyzer.detect.DetectorConfig;
import dev.headroom.analyzer.detect.GpuDetectors;
import dev.headroom.analyzer.detect.LeakDetector;
import dev.headroom.analyzer.detect.RunPrediction;
import dev.headroom.analyzer.detect.SilenceDetector;
import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.analyzer.model.XidObservation;
import dev.headroom.collector.AgentIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the detectors on live observations, per run and GPU (and per run and agent for silence),
 * and tells its listeners when an alert is raised or resolved.
 *
 * <p>The run registry calls {@link #onObservation} for every accepted frame, {@link #onPrediction}
 * once the run's spec is predicted, {@link #tick} periodically (agent silence is judged on this
 * engine's clock) and {@link #endRun} when a run is over. Alert times are this engine's clock, so
 * sinks never see an agent's clock skew.
 *
 * <p>Thread-safe: each run has its own lock, so agents of different runs do not wait for each
 * other; listeners are called under it, in order per run.
 */
public final class AlertEngine {
  private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);
  private static final Set<AlertKind> SILENCE_KINDS = Set.of(AlertKind.AGENT_SILENT);

  private final DetectorConfig config;
  private final Clock clock;
  private final List<AlertListener> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, RunState> runs = new ConcurrentHashMap<>();

  public AlertEngine(DetectorConfig config, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public void addListener(AlertListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public DetectorConfig config() {
    return config;
  }

  /** One accepted observation of a run, from an agent. */
  public void onObservation(String runId, AgentIdentity from, Observation observation) {
    RunState run = runs.computeIfAbsent(runId, RunState::new);
    synchronized (run) {
      Instant now = clock.instant();
      AgentState agent = run.agents.get(from.agentId());
      if (agent == null) {
        agent = newAgent(run, from.agentId(), from.hostname());
      }
      if (observation instanceof DeviceReport r) {
        agent.silence.deviceReport(now, from.bootId(), r);
      } else {
        agent.silence.frame(now, Optional.empty());
      }
      // A frame just arrived, so the agent is not silent: only a silence alert still active needs
      // the tracker (to resolve it). This skips a scope lookup per frame in the normal case.
      if (agent.silentAlertActive) {
        List<AlertEvent> events = run.tracker.update(agent.scope, SILENCE_KINDS,
            agent.silence.condition(now).stream().toList(), now);
        agent.silentAlertActive = !resolvedSilence(events);
        emit(events);
      }

      for (GpuState gpu : gpusFor(run, from, observation)) {
        gpu.detectors.observe(observation);
        emit(run.tracker.update(gpu.scope, GpuDetectors.KINDS, gpu.detectors.conditions(), now));
      }
    }
  }

  /** The run's prediction, for every GPU of the run seen so far and all later ones. */
  public void onPrediction(String runId, RunPrediction prediction) {
    RunState run = runs.computeIfAbsent(runId, RunState::new);
    synchronized (run) {
      run.prediction = prediction;
      Instant now = clock.instant();
      for (GpuState gpu : run.gpus.values()) {
        gpu.detectors.predict(prediction);
        emit(run.tracker.update(gpu.scope, GpuDetectors.KINDS, gpu.detectors.conditions(), now));
      }
    }
  }

  /** Judges agent silence as of {@code now} (the engine's clock; the caller's scheduler passes it). */
  public void tick(Instant now) {
    for (RunState run : runs.values()) {
      synchronized (run) {
        for (AgentState agent : run.agents.values()) {
          List<AlertEvent> events = run.tracker.update(agent.scope, SILENCE_KINDS,
              agent.silence.condition(now).stream().toList(), now);
          if (events.stream().anyMatch(AlertEvent.Raised.class::isInstance)) {
            agent.silentAlertActive = true;
          } else if (resolvedSilence(events)) {
            agent.silentAlertActive = false;
          }
          emit(events);
        }
      }
    }
  }

  /**
   * An alert that was active when the previous collector stopped (from the catalog): the next
   * evidence for its run, GPU or agent resolves or refreshes it, and the end of its run resolves it.
   */
  public void adopt(Alert active) {
    RunState run = runs.computeIfAbsent(active.runId(), RunState::new);
    synchronized (run) {
      run.tracker.adopt(active);
    }
  }

  /**
   * An agent of a run that was live when the previous collector stopped, as the restore found it:
   * if no frame of it arrives within its usual allowance after now (start-up), {@link #tick}
   * raises {@code agent-silent} once, saying when it was last seen; its next frame resolves that
   * as usual. A silence alert of it adopted from before the restart ({@link #adopt}) stays active
   * until that frame rather than being resolved and raised again. Call after {@link #adopt}.
   *
   * @param lastSeenAt the agent's last report before the restart
   * @param reportInterval its cadence then (zero: not known, the default is assumed)
   */
  public void restoredAgent(String runId, String agentId, String hostname, Instant lastSeenAt, Duration reportInterval) {
    RunState run = runs.computeIfAbsent(runId, RunState::new);
    synchronized (run) {
      if (run.agents.containsKey(agentId)) {
        return; // it sent already: the frames judge it
      }
      AgentState agent = newAgent(run, agentId, hostname);
      // Already alerted before the restart: it is still silent, so judge it from its last report.
      Instant judgedFrom = agent.silentAlertActive ? lastSeenAt : clock.instant();
      agent.silence.restored(lastSeenAt, judgedFrom, reportInterval);
    }
  }

  private AgentState newAgent(RunState run, String agentId, String hostname) {
    AgentState fresh = new AgentState(config, hostname, AlertScope.agent(run.runId, hostname, agentId));
    // A silence alert adopted from before a restart is resolved by this agent's first frame.
    fresh.silentAlertActive = run.tracker.isActive(fresh.scope, AlertKind.AGENT_SILENT);
    run.agents.put(agentId, fresh);
    return fresh;
  }

  /** The run is over: resolves its alerts and forgets its detectors. */
  public void endRun(String runId) {
    RunState run = runs.remove(runId);
    if (run != null) {
      synchronized (run) {
        emit(run.tracker.resolveRun(runId, clock.instant()));
      }
    }
  }

  /** Every active alert, oldest first. */
  public List<Alert> activeAlerts() {
    List<Alert> all = new ArrayList<>();
    for (RunState run : runs.values()) {
      synchronized (run) {
        all.addAll(run.tracker.active());
      }
    }
    all.sort(Comparator.comparing(Alert::raisedAt));
    return all;
  }

  /** The leak trend of one GPU of a run, also before it is a leak (for the run view). */
  public Optional<LeakDetector.Estimate> leakEstimate(String runId, String gpuUuid) {
    RunState run = runs.get(runId);
    if (run == null) {
      return Optional.empty();
    }
    synchronized (run) {
      GpuState gpu = run.gpus.get(gpuUuid);
      return gpu == null ? Optional.empty() : gpu.detectors.leakEstimate();
    }
  }

  /** The GPUs an observation concerns. Allocator samples without a UUID are matched by ordinal. */
  private List<GpuState> gpusFor(RunState run, AgentIdentity from, Observation observation) {
    if (observation instanceof DeviceReport r) {
      return List.of(run.gpus.computeIfAbsent(r.uuid(), uuid -> newGpu(run, r, from)));
    }
    if (observation instanceof XidObservation x) {
      GpuState gpu = run.gpus.get(x.uuid());
      return gpu == null ? List.of() : List.of(gpu);
    }
    if (observation instanceof StepMark) {
      return run.gpus.values().stream().filter(g -> g.agentId.equals(from.agentId())).toList();
    }
    if (observation instanceof AllocatorSample s) {
      if (s.uuid().isPresent()) {
        GpuState gpu = run.gpus.get(s.uuid().get());
        return gpu == null ? List.of() : List.of(gpu);
      }
      List<GpuState> ofAgent = run.gpus.values().stream().filter(g -> g.agentId.equals(from.agentId())).toList();
      if (ofAgent.size() == 1) {
        return ofAgent;
      }
      // Best effort: the framework's ordinal equals the NVML index when CUDA_VISIBLE_DEVICES is unset.
      List<GpuState> byIndex = ofAgent.stream().filter(g -> g.index == s.cudaDevice()).toList();
      if (byIndex.isEmpty()) {
        LOG.debug("run {}: allocator sample for cuda:{} matches no GPU of agent {}", run.runId, s.cudaDevice(), from.agentId());
      }
      return byIndex;
    }
    return List.of();
  }

  private GpuState newGpu(RunState run, DeviceReport first, AgentIdentity from) {
    GpuState gpu = new GpuState(
        AlertScope.gpu(run.runId, first.hostname(), first.uuid()), from.agentId(), first.index(), new GpuDetectors(config));
    if (run.prediction != null) {
      gpu.detectors.predict(run.prediction);
    }
    return gpu;
  }

  private void emit(List<AlertEvent> events) {
    for (AlertEvent event : events) {
      for (AlertListener listener : listeners) {
        try {
          listener.onAlert(event);
        } catch (RuntimeException e) {
          LOG.warn("alert listener {} failed on {}: {}", listener, event.alert().key(), e.toString());
        }
      }
    }
  }

  private static final class RunState {
    final String runId;
    final AlertTracker tracker = new AlertTracker();
    final Map<String, GpuState> gpus = new LinkedHashMap<>();
    final Map<String, AgentState> agents = new LinkedHashMap<>();
    RunPrediction prediction;

    RunState(String runId) {
      this.runId = runId;
    }
  }

  private record GpuState(AlertScope scope, String agentId, int index, GpuDetectors detectors) {}

  private static boolean resolvedSilence(List<AlertEvent> events) {
    return events.stream().anyMatch(AlertEvent.Resolved.class::isInstance);
  }

  private static final class AgentState {
    final AlertScope scope;
    final SilenceDetector silence;
    /** A silence alert of this agent is active (raised by a tick, not yet resolved by a frame). */
    boolean silentAlertActive;

    AgentState(DetectorConfig config, String hostname, AlertScope scope) {
      this.scope = scope;
      this.silence = new SilenceDetector(config, hostname);
    }
  }
}
