package dev.headroom.collector.alert;

import static dev.headroom.collector.alert.Frames.AGENT;
import static dev.headroom.collector.alert.Frames.GIB;
import static dev.headroom.collector.alert.Frames.T0;
import static dev.headroom.collector.alert.Frames.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.detect.DetectorConfig;
import dev.headroom.analyzer.detect.RunPrediction;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.analyzer.model.XidObservation;
import dev.headroom.collector.AgentIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AlertEngineTest {
  private final MutableClock clock = new MutableClock(T0);
  private final AlertEngine engine = new AlertEngine(DetectorConfig.defaults(), clock);
  private final RecordingListener listener = new RecordingListener();

  AlertEngineTest() {
    engine.addListener(listener);
  }

  private void feed(String run, Object... observations) {
    for (Object o : observations) {
      clock.advance(Duration.ofSeconds(1));
      engine.onObservation(run, AGENT, (dev.headroom.analyzer.model.Observation) o);
    }
  }

  @Test
  void dangerIsRaisedPerGpuAndResolvedWithHysteresisOnTheEnginesClock() {
    feed("run-1", report("GPU-0", 0, 1, 0.95), report("GPU-1", 1, 1, 0.5), report("GPU-0", 0, 2, 0.93));
    assertThat(listener.summary()).containsExactly("raised danger GPU-0");
    var raised = listener.events.get(0).alert();
    assertThat(raised.runId()).isEqualTo("run-1");
    assertThat(raised.hostname()).isEqualTo("node-1");
    assertThat(raised.raisedAt()).isEqualTo(T0.plusSeconds(3));
    assertThat(engine.activeAlerts()).singleElement().satisfies(a -> assertThat(a.gpuUuid()).contains("GPU-0"));

    feed("run-1", report("GPU-0", 0, 3, 0.87), report("GPU-0", 0, 4, 0.80));
    assertThat(listener.summary()).containsExactly("raised danger GPU-0", "resolved danger GPU-0");
    assertThat(listener.events.get(1).alert().resolvedAt()).contains(T0.plusSeconds(5));
    assertThat(engine.activeAlerts()).isEmpty();
  }

  @Test
  void theSameGpuInTwoRunsIsTwoAlerts() {
    feed("run-1", report("GPU-0", 0, 1, 0.95), report("GPU-0", 0, 2, 0.95));
    feed("run-2", report("GPU-0", 0, 1, 0.95), report("GPU-0", 0, 2, 0.95));

    assertThat(engine.activeAlerts()).extracting(a -> a.runId()).containsExactly("run-1", "run-2");
  }

  @Test
  void aSilentAgentIsRaisedByTickAfterThreeReportIntervalsAndResolvedByItsNextFrame() {
    feed("run-1", report("GPU-0", 0, 1, 0.5));
    engine.tick(clock.instant().plusSeconds(3));
    assertThat(listener.events).isEmpty();

    engine.tick(clock.instant().plusMillis(3_001));
    assertThat(listener.summary()).containsExactly("raised agent-silent agent-a");
    assertThat(listener.events.get(0).alert().gpuUuid()).isEmpty();

    clock.advance(Duration.ofSeconds(10));
    feed("run-1", report("GPU-0", 0, 12, 0.5));
    assertThat(listener.summary()).containsExactly("raised agent-silent agent-a", "resolved agent-silent agent-a");
  }

  @Test
  void theReportIntervalIsTheTimeBetweenReportsNotTheSpanFromTheirFirstSample() {
    // 2 Hz sampling, 1 s reports: each report's span starts at its first sample, 0.5 s in.
    for (int s = 1; s <= 4; s++) {
      clock.advance(Duration.ofSeconds(1));
      engine.onObservation("run-1", AGENT, sampledFrom(T0.plusSeconds(s).minusMillis(500), T0.plusSeconds(s)));
    }
    engine.tick(clock.instant().plusMillis(2_500));
    assertThat(listener.events).as("2.5 s of silence is under 3 intervals of 1 s").isEmpty();

    // The agent stops: it flushes the 74 ms its open interval held, then nothing comes.
    clock.advance(Duration.ofMillis(74));
    engine.onObservation("run-1", AGENT, sampledFrom(T0.plusSeconds(4), T0.plusSeconds(4).plusMillis(74)));
    engine.tick(clock.instant().plusSeconds(2));
    assertThat(listener.events).as("the short last report does not make the agent silent at once").isEmpty();

    engine.tick(clock.instant().plusMillis(3_001));
    assertThat(listener.summary()).containsExactly("raised agent-silent agent-a");
    assertThat(listener.events.get(0).alert().values()).containsEntry("reportIntervalSeconds", 1.0);
  }

  @Test
  void alertsAdoptedFromBeforeARestartAreResolvedByTheNextEvidence() {
    // The previous collector's engine raised these; a fresh one takes them from the catalog.
    AlertEngine before = new AlertEngine(DetectorConfig.defaults(), clock);
    RecordingListener raised = new RecordingListener();
    before.addListener(raised);
    before.onObservation("run-1", AGENT, report("GPU-0", 0, 1, 0.95));
    before.onObservation("run-1", AGENT, report("GPU-0", 0, 2, 0.95));
    before.tick(clock.instant().plusSeconds(10));
    assertThat(raised.summary()).containsExactly("raised danger GPU-0", "raised agent-silent agent-a");
    before.activeAlerts().forEach(engine::adopt);
    assertThat(engine.activeAlerts()).hasSize(2);

    clock.advance(Duration.ofSeconds(20));
    feed("run-1", report("GPU-0", 0, 21, 0.5));
    assertThat(listener.summary()).containsExactlyInAnyOrder("resolved agent-silent agent-a", "resolved danger GPU-0");
    assertThat(listener.events).as("the alerts raised before the restart, not new ones")
        .extracting(e -> e.alert().raisedAt()).containsExactlyInAnyOrder(T0, T0.plusSeconds(10));
    assertThat(engine.activeAlerts()).isEmpty();
  }

  @Test
  void anAgentOfALiveRunThatNeverComesBackAfterARestartIsAlertedOnceItsAllowanceFromStartUpHasPassed() {
    // The collector was down for an hour; the agent's last report before that ended at T0 + 5 s.
    clock.advance(Duration.ofHours(1));
    Instant startUp = clock.instant();
    engine.restoredAgent("run-1", AGENT.agentId(), AGENT.hostname(), T0.plusSeconds(5), Duration.ofSeconds(2));

    engine.tick(startUp);
    engine.tick(startUp.plusSeconds(6));
    assertThat(listener.events).as("downtime alone is no silence: 3 intervals of 2 s after start-up").isEmpty();

    engine.tick(startUp.plusMillis(6_001));
    assertThat(listener.summary()).containsExactly("raised agent-silent agent-a");
    var raised = listener.events.get(0).alert();
    assertThat(raised.hostname()).isEqualTo("node-1");
    assertThat(raised.values()).containsEntry("reportIntervalSeconds", 2.0)
        .containsEntry("silentSeconds", 3_600 - 5 + 6.001)
        .containsEntry("lastSeenEpochSeconds", T0.plusSeconds(5).getEpochSecond() * 1.0);
    assertThat(raised.explanation()).contains("since 2026-01-01T00:00:05Z, before the collector restarted");

    engine.tick(startUp.plusSeconds(60));
    engine.tick(startUp.plusSeconds(600));
    assertThat(listener.events).as("raised once").hasSize(1);

    clock.advance(Duration.ofMinutes(11));
    engine.onObservation("run-1", AGENT, report("GPU-0", 0, 3_600 + 660, 0.5));
    assertThat(listener.summary()).containsExactly("raised agent-silent agent-a", "resolved agent-silent agent-a");
    engine.tick(clock.instant().plusSeconds(3));
    assertThat(listener.events).as("judged from its frames again, at the cadence they show").hasSize(2);
  }

  @Test
  void aRestoredAgentThatSendsWithinItsAllowanceIsNeverAlerted() {
    clock.advance(Duration.ofHours(1));
    Instant startUp = clock.instant();
    engine.restoredAgent("run-1", AGENT.agentId(), AGENT.hostname(), T0, Duration.ofSeconds(1));
    feed("run-1", report("GPU-0", 0, 3_601, 0.5));

    engine.tick(startUp.plusSeconds(2));
    assertThat(listener.events).isEmpty();
    // Restoring it again (or late) does not reset what its frames showed.
    engine.restoredAgent("run-1", AGENT.agentId(), AGENT.hostname(), T0, Duration.ofSeconds(1));
    engine.tick(startUp.plusMillis(3_500));
    assertThat(listener.events).as("frames judge it: 2.5 s after its frame, 3 s allowed").isEmpty();
  }

  @Test
  void aSilenceAlertAdoptedFromBeforeTheRestartStaysActiveUntilTheAgentSends() {
    AlertEngine before = new AlertEngine(DetectorConfig.defaults(), clock);
    before.onObservation("run-1", AGENT, report("GPU-0", 0, 1, 0.5));
    before.tick(clock.instant().plusSeconds(10));
    assertThat(before.activeAlerts()).singleElement().satisfies(a -> assertThat(a.kind()).isEqualTo(AlertKind.AGENT_SILENT));

    clock.advance(Duration.ofHours(1));
    before.activeAlerts().forEach(engine::adopt);
    engine.restoredAgent("run-1", AGENT.agentId(), AGENT.hostname(), T0.plusSeconds(1), Duration.ofSeconds(1));
    engine.tick(clock.instant());
    engine.tick(clock.instant().plusSeconds(60));
    assertThat(listener.events).as("neither resolved during the allowance nor raised a second time").isEmpty();
    assertThat(engine.activeAlerts()).singleElement().satisfies(a -> assertThat(a.raisedAt()).isEqualTo(T0.plusSeconds(10)));

    feed("run-1", report("GPU-0", 0, 3_661, 0.5));
    assertThat(listener.summary()).containsExactly("resolved agent-silent agent-a");
    assertThat(listener.events.get(0).alert().raisedAt()).isEqualTo(T0.plusSeconds(10));
  }

  @Test
  void anAgentRestartIsNotTakenForALongReportInterval() {
    feed("run-1", report("GPU-0", 0, 1, 0.5), report("GPU-0", 0, 2, 0.5));
    // The same agent, restarted ten minutes later: a new boot.
    clock.advance(Duration.ofMinutes(10));
    AgentIdentity restarted = new AgentIdentity(AGENT.agentId(), "boot-2", AGENT.hostname(), AGENT.agentVersion());
    engine.onObservation("run-1", restarted, report("GPU-0", 0, 602, 0.5));
    engine.onObservation("run-1", restarted, report("GPU-0", 0, 603, 0.5));

    engine.tick(clock.instant().plusMillis(3_001));
    assertThat(listener.summary()).containsExactly("raised agent-silent agent-a");
  }

  private static DeviceReport sampledFrom(Instant firstSample, Instant end) {
    long used = 40 * GIB;
    return new DeviceReport("node-1", "GPU-0", 0, "Test GPU", firstSample, end, 2, DeviceState.OK, 80 * GIB, 0,
        new Stats(used, used, used), List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  @Test
  void aPredictionThatDoesNotFitRaisesPredictedOomForEveryGpuOfTheRunIncludingLaterOnes() {
    feed("run-1", report("GPU-0", 0, 1, 0.1));
    engine.onPrediction("run-1", new RunPrediction(79 * GIB, OptionalLong.empty(), Optional.of("batch size 4")));
    feed("run-1", report("GPU-1", 1, 2, 0.1));

    assertThat(listener.summary()).containsExactly("raised predicted-oom GPU-0", "raised predicted-oom GPU-1");
    assertThat(listener.events.get(0).alert().suggestedAction()).contains("batch size 4");
  }

  @Test
  void xidsGoToTheirGpuAndAllocatorSamplesWithoutUuidToTheGpuWithTheirOrdinal() {
    feed("run-1", report("GPU-0", 0, 1, 0.5), report("GPU-1", 1, 1, 0.5));
    feed("run-1", new XidObservation("node-1", "GPU-1", 79, T0.plusSeconds(2)));
    feed("run-1", Frames.allocator(3, 0, 1), Frames.allocator(4, 0, 4));

    assertThat(listener.summary()).containsExactly("raised xid-error GPU-1", "raised fragmentation GPU-0");
  }

  @Test
  void endingARunResolvesItsAlertsAndForgetsIt() {
    feed("run-1", report("GPU-0", 0, 1, 0.95), report("GPU-0", 0, 2, 0.95));
    engine.endRun("run-1");

    assertThat(listener.summary()).containsExactly("raised danger GPU-0", "resolved danger GPU-0");
    assertThat(engine.activeAlerts()).isEmpty();
    engine.tick(clock.instant().plusSeconds(3600));
    assertThat(listener.events).hasSize(2);
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheOthers() {
    AlertEngine e = new AlertEngine(DetectorConfig.defaults(), clock);
    e.addListener(event -> {
      throw new IllegalStateException("sink broke");
    });
    RecordingListener after = new RecordingListener();
    e.addListener(after);
    AgentIdentity agent = AGENT;
    e.onObservation("r", agent, report("GPU-0", 0, 1, 0.95));
    e.onObservation("r", agent, report("GPU-0", 0, 2, 0.95));

    assertThat(after.summary()).containsExactly("raised danger GPU-0");
    assertThat(AlertKind.DANGER.alertName()).isEqualTo("HeadroomDanger");
  }
}
