package dev.headroom.collector.runs;

import static dev.headroom.collector.testing.Observations.GIB;
import static dev.headroom.collector.testing.Observations.T0;
import static dev.headroom.collector.testing.Observations.agent;
import static dev.headroom.collector.testing.Observations.allocator;
import static dev.headroom.collector.testing.Observations.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.collector.AcceptedFrame;
import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RunRegistryTest {
  private static final String GPU0 = "GPU-00000000-0000-0000-0000-000000000000";
  private static final String GPU1 = "GPU-11111111-1111-1111-1111-111111111111";
  private static final AgentIdentity NODE_A = agent("node-a");

  private final MutableClock clock = new MutableClock(T0);
  private final AtomicInteger predictions = new AtomicInteger();
  private final RunPredictor predictor =
      spec -> {
        predictions.incrementAndGet();
        if (spec.contains("unknown-model")) {
          throw new IllegalArgumentException("model: unknown preset 'unknown-model'");
        }
        return PredictedPeaks.of(40 * GIB, 30 * GIB, 34 * GIB, "fits: 40 GiB of 79 GiB");
      };
  private final RunRegistry registry = new RunRegistry(predictor, RegistryPolicy.DEFAULT, clock);
  private long sequence;

  private void send(AgentIdentity from, Observation observation) {
    registry.onObservation(from, ++sequence, observation);
  }

  @Test
  void undeclaredProcessIsARunKeyedByHostGpuAndPidWithSpikesCountedInItsPeak() {
    send(NODE_A, report("node-a", GPU0, 0, T0, new Stats(10 * GIB, 20 * GIB, 12 * GIB), 4242));
    send(NODE_A, report("node-a", GPU0, 0, T0.plusSeconds(5), new Stats(11 * GIB, 15 * GIB, 13 * GIB), 4242));

    String id = "node-a:" + GPU0 + ":4242";
    assertThat(registry.runs()).extracting(RunView::runId).containsExactly(id);
    RunView run = registry.run(id).orElseThrow();
    assertThat(run.source()).isEqualTo(RunKeySource.PROCESS);
    GpuView gpu = run.gpus().get(0);
    assertThat(gpu.peakUsedBytes()).isEqualTo(20 * GIB);
    assertThat(gpu.lastUsedBytes()).isEqualTo(13 * GIB);
    assertThat(gpu.usableBytes()).isEqualTo(79 * GIB);
    assertThat(gpu.lastRatio()).isEqualTo((double) 15 * GIB / (79 * GIB));
    assertThat(gpu.level()).isEqualTo(GpuLevel.OK);
    assertThat(gpu.comparisons()).isEmpty();
    assertThat(registry.series(id, GPU0).orElseThrow().usedBytes())
        .extracting(TimedBytes::bytes)
        .containsExactly(20 * GIB, 15 * GIB);
  }

  @Test
  void aBurstResentAfterItsStorageFailedIsNotAddedToTheSeriesTwice() {
    AtomicInteger failuresLeft = new AtomicInteger(1);
    List<List<String>> stored = new ArrayList<>();
    registry.addListener(new RunObservationListener() {
      @Override
      public void onRunObservation(AgentIdentity from, long seq, Observation observation, List<String> runIds) {
        if (seq == 3 && failuresLeft.getAndDecrement() > 0) {
          throw new IllegalStateException("disk full"); // frames 1-2 stored, 3 not
        }
        stored.add(runIds);
      }
    });
    List<AcceptedFrame> burst = List.of(
        new AcceptedFrame(1, report("node-a", GPU0, 0, T0, 10 * GIB, 4242)),
        new AcceptedFrame(2, report("node-a", GPU0, 0, T0.plusSeconds(5), 11 * GIB, 4242)),
        new AcceptedFrame(3, report("node-a", GPU0, 0, T0.plusSeconds(10), 12 * GIB, 4242)));
    assertThatThrownBy(() -> registry.onObservations(NODE_A, burst))
        .hasMessage("disk full");
    // The agent resumes after the stored prefix and sends frame 3 again, then a new one.
    registry.onObservations(NODE_A, List.of(burst.get(2),
        new AcceptedFrame(4, report("node-a", GPU0, 0, T0.plusSeconds(15), 13 * GIB, 4242))));

    String id = "node-a:" + GPU0 + ":4242";
    assertThat(registry.series(id, GPU0).orElseThrow().usedBytes()).extracting(TimedBytes::bytes)
        .containsExactly(10 * GIB, 11 * GIB, 12 * GIB, 13 * GIB);
    assertThat(stored).hasSize(4).allSatisfy(ids -> assertThat(ids).containsExactly(id));
  }

  @Test
  void aProcessRunsOwnPeakIsWhatItsProcessHeldNotTheWholeGpuAndSurvivesARestart() {
    // A training job (4242, 20 GiB) and an evaluation worker (6600, 1 GiB) share the GPU.
    for (int s = 0; s < 3; s++) {
      send(NODE_A, new DeviceReport("node-a", GPU0, 0, "NVIDIA A100", T0.plusSeconds(s), T0.plusSeconds(s + 1), 10,
          DeviceState.OK, 80 * GIB, GIB, Stats.of(21 * GIB + GIB / 2), List.of(
              new ProcessReport(4242, Optional.of("python"), Optional.empty(), Optional.empty(), Stats.of(20 * GIB), true),
              new ProcessReport(6600, Optional.of("eval"), Optional.empty(), Optional.empty(),
                  new Stats(GIB / 2, GIB, GIB / 2), true)),
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty()));
    }
    send(NODE_A, report("node-a", GPU0, 0, T0.plusSeconds(5), 20 * GIB, 4242));

    String eval = "node-a:" + GPU0 + ":6600";
    GpuView gpu = registry.run(eval).orElseThrow().gpus().get(0);
    assertThat(gpu.peakUsedBytes()).as("the GPU's").isEqualTo(21 * GIB + GIB / 2);
    assertThat(gpu.peakProcessUsedBytes()).as("the worker's own").hasValue(GIB);
    assertThat(registry.run("node-a:" + GPU0 + ":4242").orElseThrow().gpus().get(0).peakProcessUsedBytes())
        .hasValue(20 * GIB);

    StoredRun stored = registry.storedRun(eval).orElseThrow();
    RunRegistry restarted = new RunRegistry(predictor, RegistryPolicy.DEFAULT, clock);
    restarted.restoreWithoutSeries(stored, (runId, into) -> 0);
    assertThat(restarted.run(eval).orElseThrow().gpus().get(0).peakProcessUsedBytes()).hasValue(GIB);
  }

  @Test
  void gpuLevelFollowsTheLatestReportMaximumAgainstUsableMemory() {
    send(NODE_A, report("node-a", GPU0, 0, T0, new Stats(60 * GIB, 72 * GIB, 60 * GIB), 7));
    assertThat(onlyGpu().level()).isEqualTo(GpuLevel.DANGER); // 72/79 = 0.91
    send(NODE_A, report("node-a", GPU0, 0, T0.plusSeconds(5), 64 * GIB, 7));
    assertThat(onlyGpu().level()).isEqualTo(GpuLevel.WARNING); // 64/79 = 0.81
    send(NODE_A, report("node-a", GPU0, 0, T0.plusSeconds(10), 30 * GIB, 7));
    assertThat(onlyGpu().level()).isEqualTo(GpuLevel.OK);
    assertThat(onlyGpu().peakUsedBytes()).isEqualTo(72 * GIB);
  }

  private GpuView onlyGpu() {
    return registry.runs().get(0).gpus().get(0);
  }

  @Test
  void aLaterDeclarationMergesTheProcessRunPredictsOnceAndComparesEveryMetricTheDataSupports() {
    send(NODE_A, report("node-a", GPU0, 0, T0, new Stats(38 * GIB, 42 * GIB, 40 * GIB), 100));
    String spec = "{\"model\":\"llama-3-8b\"}";
    send(NODE_A, new RunSpecDeclared(T0.plusSeconds(1), "ft-llama", 100, spec));
    send(NODE_A, new RunSpecDeclared(T0.plusSeconds(2), "ft-llama", 100, spec));
    send(NODE_A, report("node-a", GPU0, 0, T0.plusSeconds(5), 41 * GIB, 100));

    assertThat(registry.runs()).extracting(RunView::runId).containsExactly("ft-llama");
    RunView run = registry.run("ft-llama").orElseThrow();
    assertThat(predictions).hasValue(1);
    assertThat(run.prediction()).map(PredictedPeaks::deviceBytes).contains(40 * GIB);
    assertThat(run.gpus().get(0).comparisons())
        .containsExactly(new PeakComparison(MemoryMetric.DEVICE, 42 * GIB, 40 * GIB));
    assertThat(run.gpus().get(0).comparisons().get(0).observedOverPredicted()).isEqualTo(1.05);

    send(NODE_A, allocator(T0.plusSeconds(6), 100, 0, Optional.empty(), 33 * GIB, 36 * GIB));
    GpuView gpu = registry.run("ft-llama").orElseThrow().gpus().get(0);
    assertThat(gpu.comparisons())
        .extracting(PeakComparison::metric, PeakComparison::observedPeakBytes, PeakComparison::predictedBytes)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(MemoryMetric.DEVICE, 42 * GIB, 40 * GIB),
            org.assertj.core.groups.Tuple.tuple(MemoryMetric.ALLOCATED, 33 * GIB, 30 * GIB),
            org.assertj.core.groups.Tuple.tuple(MemoryMetric.RESERVED, 36 * GIB, 34 * GIB));
    assertThat(gpu.lastAllocatedBytes()).hasValue(33 * GIB);
  }

  @Test
  void aDeclarationLaterInTheSameBurstTakesItsProcessRunsEarlierFramesSoNoListenerSeesTheMergedId() {
    // An agent that started before the collector replays its buffer: the first device report and
    // the run's declaration arrive in one burst. Listeners (storage, the alert engine) must not get
    // frames for the process run the declaration merged away, or the alert engine keeps a phantom
    // run that never hears from its agent again and raises agent-silent for it.
    List<String> delivered = new ArrayList<>();
    registry.addListener(new RunObservationListener() {
      @Override
      public void onRunObservation(AgentIdentity from, long seq, Observation observation, List<String> runIds) {
        delivered.add(seq + "=" + String.join(",", runIds));
      }
    });
    registry.onObservations(NODE_A, List.of(
        new AcceptedFrame(1, report("node-a", GPU0, 0, T0, 10 * GIB, 100)),
        new AcceptedFrame(2, new RunSpecDeclared(T0.plusSeconds(1), "ft-llama", 100, "{\"model\":\"llama-3-8b\"}")),
        new AcceptedFrame(3, report("node-a", GPU0, 0, T0.plusSeconds(5), 11 * GIB, 100))));

    assertThat(delivered).containsExactly("1=ft-llama", "2=ft-llama", "3=ft-llama");
    assertThat(registry.runs()).extracting(RunView::runId).containsExactly("ft-llama");
    assertThat(registry.series("ft-llama", GPU0).orElseThrow().usedBytes()).extracting(TimedBytes::bytes)
        .containsExactly(10 * GIB, 11 * GIB);
  }

  @Test
  void aReportWithoutAReadIsNoEvidenceThatTheRunsProcessLeftSoTheRunDoesNotEnd() {
    // The collector ends a run whose processes left every GPU, which resolves its alerts: a GPU that
    // fell off the bus lists no processes, and its gpu-lost alert must stay up until it reads again.
    String id = "node-a:" + GPU0 + ":8802";
    send(NODE_A, report("node-a", GPU0, 0, T0, 20 * GIB, 8802));
    for (int s = 1; s <= 3; s++) {
      send(NODE_A, new DeviceReport("node-a", GPU0, 0, "NVIDIA L4", T0.plusSeconds(s), T0.plusSeconds(s), 0,
          DeviceState.LOST, 24 * GIB, GIB, Stats.of(0), List.of(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    }
    RunView run = registry.run(id).orElseThrow();
    assertThat(run.status()).isNotEqualTo(RunStatus.ENDED);
    assertThat(run.gpus().get(0).level()).isEqualTo(GpuLevel.UNREADABLE);
    // Nor is the short report an agent flushes as it stops, before its next read (no sample at all).
    String other = "node-a:" + GPU1 + ":8801";
    send(NODE_A, report("node-a", GPU1, 1, T0, 9 * GIB, 8801));
    send(NODE_A, new DeviceReport("node-a", GPU1, 1, "NVIDIA L4", T0.plusSeconds(1), T0.plusSeconds(1), 0,
        DeviceState.OK, 24 * GIB, GIB, Stats.of(0), List.of(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    assertThat(registry.run(other).orElseThrow().status()).isNotEqualTo(RunStatus.ENDED);

    // Read again, without the process: now it has left.
    send(NODE_A, report("node-a", GPU0, 0, T0.plusSeconds(4), 0));
    assertThat(registry.run(id).orElseThrow().status()).isEqualTo(RunStatus.ENDED);
  }

  @Test
  void anAgentLevelRunIdClaimsEveryGpuThatAgentSees() {
    send(NODE_A, new RunSpecDeclared(T0, "fsdp-70b", 0, "{\"model\":\"llama-3-70b\"}"));
    send(NODE_A, report("node-a", GPU0, 0, T0.plusSeconds(5), 50 * GIB, 201));
    send(NODE_A, report("node-a", GPU1, 1, T0.plusSeconds(5), 52 * GIB, 202));
    send(NODE_A, allocator(T0.plusSeconds(6), 202, 1, Optional.empty(), 45 * GIB, 47 * GIB));
    send(NODE_A, new StepMark(T0.plusSeconds(7), 201, 12, "train"));

    assertThat(registry.runs()).extracting(RunView::runId).containsExactly("fsdp-70b");
    RunView run = registry.run("fsdp-70b").orElseThrow();
    assertThat(run.gpus()).extracting(GpuView::uuid).containsExactly(GPU0, GPU1);
    assertThat(run.gpus().get(1).peakAllocatedBytes()).hasValue(45 * GIB);
    assertThat(run.gpus().get(0).peakAllocatedBytes()).isEmpty();
    assertThat(run.lastStep()).hasValue(12);
  }

  @Test
  void aRunDeclaredOnTwoNodesHasBothNodesGpusAndNamesBothHosts() {
    AgentIdentity nodeB = agent("node-b");
    String spec = "{\"model\":\"llama-3-70b\",\"gpus\":2,\"sharding\":\"fsdp-full\"}";
    send(NODE_A, new RunSpecDeclared(T0, "fsdp-2n", 0, spec));
    send(nodeB, new RunSpecDeclared(T0, "fsdp-2n", 0, spec));
    send(NODE_A, report("node-a", GPU0, 0, T0.plusSeconds(5), 50 * GIB, 201));
    send(nodeB, report("node-b", GPU1, 0, T0.plusSeconds(5), 52 * GIB, 301));

    assertThat(registry.runs()).extracting(RunView::runId).containsExactly("fsdp-2n");
    RunView run = registry.run("fsdp-2n").orElseThrow();
    assertThat(run.gpus()).extracting(GpuView::hostname).containsExactly("node-a", "node-b");
    assertThat(run.hostname()).isEqualTo("node-a");
    assertThat(run.hosts()).containsExactly("node-a", "node-b");
  }

  @Test
  void aSpecThePredictorRejectsIsKeptWithTheReasonAndNoPrediction() {
    send(NODE_A, new RunSpecDeclared(T0, "bad", 0, "{\"model\":\"unknown-model\"}"));
    RunView run = registry.run("bad").orElseThrow();
    assertThat(run.prediction()).isEmpty();
    assertThat(run.predictionError()).contains("model: unknown preset 'unknown-model'");
    assertThat(run.specJson()).contains("{\"model\":\"unknown-model\"}");
  }

  @Test
  void aRunEndsWhenItsProcessLeavesTheGpuAndIsSilentAfterThreeReportIntervals() {
    String id = "node-a:" + GPU0 + ":9";
    send(NODE_A, report("node-a", GPU0, 0, T0, 10 * GIB, 9));
    clock.set(T0.plusSeconds(15));
    assertThat(registry.run(id).orElseThrow().status()).isEqualTo(RunStatus.ACTIVE);
    clock.set(T0.plusSeconds(16));
    assertThat(registry.run(id).orElseThrow().status()).isEqualTo(RunStatus.SILENT);

    send(NODE_A, report("node-a", GPU0, 0, T0.plusSeconds(20), GIB)); // no process any more
    assertThat(registry.run(id).orElseThrow().status()).isEqualTo(RunStatus.ENDED);
    assertThat(registry.series(id, GPU0).orElseThrow().usedBytes()).hasSize(2);
  }

  @Test
  void theSilentStatusCountsTheTimeBetweenReportsSoAShortFinalReportDoesNotMakeTheRunSilentSooner() {
    String id = "node-a:" + GPU0 + ":9";
    // Reports every 10 s, each spanning 5 s from its first sample.
    for (int s = 0; s <= 20; s += 10) {
      send(NODE_A, report("node-a", GPU0, 0, T0.plusSeconds(s), 10 * GIB, 9));
    }
    // The agent stops: it flushes the 74 ms its open interval held (the training goes on).
    send(NODE_A, spanning(report("node-a", GPU0, 0, T0.plusSeconds(20).plusMillis(74), 10 * GIB, 9), Duration.ofMillis(74)));

    clock.set(T0.plusSeconds(20 + 29));
    assertThat(registry.run(id).orElseThrow().status())
        .as("29 s after the last report: 3 intervals of 10 s allowed, not 15 s from a report's span")
        .isEqualTo(RunStatus.ACTIVE);
    clock.set(T0.plusSeconds(20 + 31));
    assertThat(registry.run(id).orElseThrow().status()).isEqualTo(RunStatus.SILENT);
    assertThat(registry.liveRunAgents()).containsOnlyKeys(id);
    assertThat(registry.liveRunAgents().get(id)).singleElement().satisfies(a -> {
      assertThat(a.agentId()).isEqualTo(NODE_A.agentId());
      assertThat(a.hostname()).isEqualTo("node-a");
      assertThat(a.lastReportAt()).isEqualTo(T0.plusSeconds(20).plusMillis(74));
      assertThat(a.reportInterval()).isEqualTo(Duration.ofSeconds(10));
    });
    assertThat(registry.storedRun(id).orElseThrow().summary().orElseThrow().reportInterval())
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aLiveRunRestoredFromItsSummaryKnowsItsAgentsAndAnOlderSummaryFallsBackToItsRecordedLives() {
    String id = "node-a:" + GPU0 + ":9";
    for (int s = 0; s <= 20; s += 10) {
      send(NODE_A, report("node-a", GPU0, 0, T0.plusSeconds(s), 10 * GIB, 9));
    }
    StoredRun stored = registry.storedRun(id).orElseThrow();
    RunSummary summary = stored.summary().orElseThrow();
    AgentSummary expected = new AgentSummary(NODE_A.agentId(), "node-a", T0.plusSeconds(20), Duration.ofSeconds(10));
    assertThat(summary.agents()).containsExactly(expected);

    RunRegistry restarted = new RunRegistry(predictor, RegistryPolicy.DEFAULT, clock);
    restarted.restoreWithoutSeries(stored, (runId, into) -> 0);
    assertThat(restarted.liveRunAgents()).containsEntry(id, List.of(expected));

    // The summary of a collector before the agents were kept: the recorded lives name them.
    RunSummary older = new RunSummary(summary.lastSeenAt(), summary.status(), summary.reportInterval(),
        summary.lastStep(), summary.gpus(), summary.recordedThrough());
    RunRegistry fromOlder = new RunRegistry(predictor, RegistryPolicy.DEFAULT, clock);
    fromOlder.restoreWithoutSeries(new StoredRun(stored.runId(), stored.source(), stored.hostname(), stored.startedAt(),
        stored.lastSeenAt(), stored.specJson(), stored.gpus(), Optional.of(older)), (runId, into) -> 0);
    assertThat(fromOlder.liveRunAgents()).containsEntry(id, List.of(expected));
  }

  @Test
  void endedRunsExpectNoAgent() {
    send(NODE_A, report("node-a", GPU0, 0, T0, 10 * GIB, 9));
    send(NODE_A, report("node-a", GPU0, 0, T0.plusSeconds(5), GIB)); // its process left
    assertThat(registry.run("node-a:" + GPU0 + ":9").orElseThrow().status()).isEqualTo(RunStatus.ENDED);
    assertThat(registry.liveRunAgents()).isEmpty();
  }

  private static DeviceReport spanning(DeviceReport r, Duration span) {
    return new DeviceReport(r.hostname(), r.uuid(), r.index(), r.name(), r.at().minus(span), r.at(), 1, r.state(),
        r.totalBytes(), r.reservedBytes(), r.usedBytes(), r.processes(), r.gpuUtilizationPercent(),
        r.pcieTxBytesPerSecond(), r.pcieRxBytesPerSecond(), r.nvlinkTxBytesPerSecond(), r.nvlinkRxBytesPerSecond(),
        r.temperatureCelsius(), r.powerMilliwatts());
  }

  @Test
  void activeRunsAreListedBeforeEndedOnesEvenWhenSeenEarlier() {
    send(NODE_A, report("node-a", GPU0, 0, T0, 10 * GIB, 1));
    send(NODE_A, report("node-a", GPU1, 1, T0.plusSeconds(5), 10 * GIB, 2));
    send(NODE_A, report("node-a", GPU1, 1, T0.plusSeconds(10), GIB)); // pid 2 left GPU 1
    assertThat(registry.runs()).extracting(RunView::runId, RunView::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple("node-a:" + GPU0 + ":1", RunStatus.ACTIVE),
        org.assertj.core.groups.Tuple.tuple("node-a:" + GPU1 + ":2", RunStatus.ENDED));
  }

  @Test
  void listenersHearEveryObservationWithItsRunsAndIdleGpusBelongToNone() {
    List<List<String>> heard = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    registry.addListener(
        new RunObservationListener() {
          @Override
          public void onRunObservation(AgentIdentity from, long seq, Observation o, List<String> runIds) {
            heard.add(runIds);
          }

          @Override
          public void onRunChanged(RunView run) {
            changed.add(run.runId());
          }
        });
    send(NODE_A, report("node-a", GPU1, 1, T0, GIB)); // idle
    send(NODE_A, report("node-a", GPU0, 0, T0, 10 * GIB, 5));

    assertThat(heard).containsExactly(List.of(), List.of("node-a:" + GPU0 + ":5"));
    assertThat(changed).containsExactly("node-a:" + GPU0 + ":5");
    assertThat(registry.unattributedCount()).isEqualTo(1);
    assertThat(registry.latestDeviceReports()).hasSize(2);
  }

  @Test
  void controlCharactersInADeclaredRunIdAreReplaced() {
    send(NODE_A, new RunSpecDeclared(T0, " run\n1\u0007 ", 0, "{}"));
    assertThat(registry.runs()).extracting(RunView::runId).containsExactly("run_1_");
  }

  @Test
  void aLongSeriesIsThinnedButKeepsItsPeak() {
    PeakSeries series = new PeakSeries(8);
    for (int i = 0; i < 100; i++) {
      series.add(T0.plus(Duration.ofSeconds(i)), i == 37 ? 1000 : i);
    }
    assertThat(series.size()).isLessThanOrEqualTo(8);
    assertThat(series.points()).extracting(TimedBytes::bytes).contains(1000L);
    assertThat(series.points()).extracting(TimedBytes::at).isSorted();
    assertThat(series.peak()).isEqualTo(1000);
  }

  /** A declared run fed to {@code registry}; returns its summary-bearing catalog row. */
  private StoredRun endedRun(String runId) {
    send(NODE_A, new RunSpecDeclared(T0, runId, 0, "{}"));
    for (int i = 1; i <= 5; i++) {
      send(NODE_A, report("node-a", GPU0, 0, T0.plusSeconds(5L * i), (10 + i) * GIB, 4242));
    }
    send(NODE_A, report("node-a", GPU0, 0, T0.plusSeconds(30), GIB));
    return registry.storedRun(runId).orElseThrow();
  }

  @Test
  void aRunRestoredFromItsSummaryReadsItsRecordingOnceWhateverHowManyAskAtOnce() throws Exception {
    StoredRun stored = endedRun("lazy");
    RunView before = registry.run("lazy").orElseThrow();
    GpuSeries seriesBefore = registry.series("lazy", GPU0).orElseThrow();
    // The recording: what the first registry saw, frame by frame.
    List<Observation> recorded = new ArrayList<>();
    recorded.add(new RunSpecDeclared(T0, "lazy", 0, "{}"));
    for (int i = 1; i <= 5; i++) {
      recorded.add(report("node-a", GPU0, 0, T0.plusSeconds(5L * i), (10 + i) * GIB, 4242));
    }
    recorded.add(report("node-a", GPU0, 0, T0.plusSeconds(30), GIB));
    AtomicInteger reads = new AtomicInteger();
    RecordedRunSource source = (runId, into) -> {
      reads.incrementAndGet();
      for (int i = 0; i < recorded.size(); i++) {
        into.onObservation(NODE_A, i + 1, recorded.get(i));
      }
      return recorded.size();
    };

    RunRegistry restarted = new RunRegistry(predictor, RegistryPolicy.DEFAULT, clock);
    restarted.restoreWithoutSeries(stored, source);
    restarted.restore(new RunDeclaration("lazy", NODE_A.agentId(), "", 0));
    assertThat(restarted.run("lazy")).contains(before);
    assertThat(reads).hasValue(0);

    List<Thread> viewers = new ArrayList<>();
    List<GpuSeries> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      viewers.add(new Thread(() -> seen.add(restarted.series("lazy", GPU0).orElseThrow())));
    }
    viewers.forEach(Thread::start);
    for (Thread t : viewers) {
      t.join(10_000);
    }
    assertThat(reads).hasValue(1);
    assertThat(seen).hasSize(4).allSatisfy(s -> assertThat(s).isEqualTo(seriesBefore));
    assertThat(restarted.run("lazy")).contains(before);
  }

  @Test
  void aRestoredRunWhoseRecordingCannotBeReadKeepsItsSummary() {
    StoredRun stored = endedRun("unreadable");
    RunView before = registry.run("unreadable").orElseThrow();
    RunRegistry restarted = new RunRegistry(predictor, RegistryPolicy.DEFAULT, clock);
    restarted.restoreWithoutSeries(stored, (runId, into) -> {
      throw new java.io.IOException("segment unreadable");
    });

    assertThat(restarted.series("unreadable", GPU0).orElseThrow().usedBytes()).isEmpty();
    assertThat(restarted.seriesPending("unreadable")).isFalse();
    assertThat(restarted.run("unreadable")).contains(before);
  }
}
