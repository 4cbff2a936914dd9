package dev.headroom.analyzer.postmortem.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.analyzer.postmortem.TerminalSummary;
import dev.headroom.analyzer.predict.FitLadder;
import dev.headroom.analyzer.predict.MemoryPredictor;
import dev.headroom.analyzer.predict.Metric;
import dev.headroom.analyzer.predict.RunSpec;
import dev.headroom.analyzer.predict.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RecordingAnalyzerTest {

  private static final long GIB = 1L << 30;
  private static final long MIB = 1L << 20;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static DeviceReport report(String uuid, int index, Instant at, long min, long max, List<ProcessReport> procs) {
    return new DeviceReport("node1", uuid, index, "NVIDIA H100 80GB HBM3", at.minusSeconds(1), at, 10,
        DeviceState.OK, 80 * GIB, GIB, new Stats(min, max, max), procs, Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  static ProcessReport proc(long pid, String name, long used) {
    return new ProcessReport(pid, Optional.of(name), Optional.empty(), Optional.empty(), Stats.of(used), true);
  }

  @Test
  void peakHolderTrendAllocatorAndSpec() {
    RecordingAnalyzer a = new RecordingAnalyzer();
    a.accept(new RunSpecDeclared(T0, "run-1", 42, "{\"model\":\"llama-3-8b\"}"));
    // GPU 0: baseline rises 1 MiB per second for 5 minutes under a 10 GiB sawtooth.
    for (int s = 0; s <= 300; s++) {
      long base = 40 * GIB + s * MIB;
      long peak = base + (s == 200 ? 30 * GIB : 10 * GIB);
      a.accept(report("GPU-aaa", 0, T0.plusSeconds(s), base, peak,
          List.of(proc(42, "python", peak - GIB), proc(77, "jupyter", GIB))));
      // GPU 1: flat.
      a.accept(report("GPU-bbb", 1, T0.plusSeconds(s), 5 * GIB, 6 * GIB, List.of(proc(43, "python", 6 * GIB))));
    }
    a.accept(new AllocatorSample(T0.plusSeconds(100), 42, 0, Optional.of("GPU-aaa"), 30 * GIB, 35 * GIB, 40 * GIB,
        41 * GIB, 30 * GIB, 2 * GIB, OptionalLong.of(512 * MIB), 0, 0));
    a.accept(new AllocatorSample(T0.plusSeconds(290), 42, 0, Optional.of("GPU-aaa"), 31 * GIB, 36 * GIB, 44 * GIB,
        45 * GIB, 31 * GIB, 4 * GIB, OptionalLong.of(256 * MIB), 3, 1));
    a.accept(new StepMark(T0.plusSeconds(299), 42, 1234, "train"));

    RecordingReport r = a.report("rec");
    assertThat(r.observations()).isEqualTo(1 + 2 * 301 + 3);
    assertThat(r.first()).hasValue(T0);
    assertThat(r.last()).hasValue(T0.plusSeconds(300));
    assertThat(r.gpus()).hasSize(2);

    GpuTimeline g0 = r.gpus().get(0);
    assertThat(g0.index()).isZero();
    assertThat(g0.peakUsedBytes()).isEqualTo(40 * GIB + 200 * MIB + 30 * GIB);
    assertThat(g0.peakAt()).isEqualTo(T0.plusSeconds(200));
    assertThat(g0.peakHolder()).hasValueSatisfying(p -> {
      assertThat(p.pid()).isEqualTo(42);
      assertThat(p.name()).hasValue("python");
    });
    assertThat(g0.trendBytesPerSecond().getAsDouble()).isCloseTo(MIB, within(1.0));
    assertThat(g0.peakRatio()).isCloseTo((70 * GIB + 200.0 * MIB) / (79.0 * GIB), within(1e-9));
    assertThat(g0.series()).hasSize(301);

    GpuTimeline g1 = r.gpus().get(1);
    assertThat(g1.trendBytesPerSecond().getAsDouble()).isCloseTo(0.0, within(1e-6));

    assertThat(r.allocators()).singleElement().satisfies(al -> {
      assertThat(al.samples()).isEqualTo(2);
      assertThat(al.peakReservedBytes()).isEqualTo(45 * GIB);
      assertThat(al.lastInactiveSplitBytes()).isEqualTo(4 * GIB);
      assertThat(al.numOoms()).isEqualTo(1);
      assertThat(al.lastFragmentationRatio()).isCloseTo(4.0 / 44.0, within(1e-9));
    });
    assertThat(r.runSpec()).hasValueSatisfying(s -> assertThat(s.runId()).isEqualTo("run-1"));
    assertThat(r.lastStep()).hasValueSatisfying(s -> assertThat(s.step()).isEqualTo(1234));
    long predicted = MemoryPredictor.standard().predict(RunSpec.parse("{\"model\":\"llama-3-8b\"}", "t"))
        .peakBytes(Metric.DEVICE);
    assertThat(r.prediction()).hasValueSatisfying(c -> {
      assertThat(c.problem()).isEmpty();
      assertThat(c.predictedDevicePeakBytes()).hasValue(predicted);
      assertThat(c.observedPeakBytes()).isEqualTo(g0.peakUsedBytes());
      assertThat(c.observedOverPredicted()).hasValueSatisfying(
          x -> assertThat(x).isCloseTo((double) g0.peakUsedBytes() / predicted, within(1e-12)));
      var rungs = FitLadder.standard().climb(RunSpec.parse("{\"model\":\"llama-3-8b\"}", "t"));
      assertThat(c.ladder()).extracting(PredictionCheck.Rung::name)
          .containsExactlyElementsOf(rungs.stream().map(FitLadder.Rung::name).toList());
      assertThat(c.firstFit().map(PredictionCheck.Rung::name))
          .isEqualTo(rungs.stream().filter(FitLadder.Rung::fits).findFirst().map(FitLadder.Rung::name));
    });
  }

  @Test
  void aRunPredictedToFitGetsNoLadderAndTheSummarySaysItFits() {
    RecordingAnalyzer a = new RecordingAnalyzer();
    String spec = "{\"model\":\"llama-3-8b\",\"method\":\"qlora\",\"gpu\":\"H100-80GB\"}";
    assertThat(MemoryPredictor.standard().predict(RunSpec.parse(spec, "t")).verdict(Metric.DEVICE))
        .isEqualTo(Verdict.FITS);
    a.accept(new RunSpecDeclared(T0, "run-fits", 1, spec));
    a.accept(report("GPU-aaa", 0, T0, 8 * GIB, 9 * GIB, List.of()));
    RecordingReport r = a.report("rec");
    assertThat(r.prediction()).hasValueSatisfying(c -> {
      assertThat(c.ladder()).isEmpty();
      assertThat(c.firstFit()).isEmpty();
    });
    // Before: "what would have fit: climbing the ladder down to ..." for a run at 11 % of its GPU.
    assertThat(TerminalSummary.recording(r))
        .contains("what would have fit: the run already fits as declared")
        .doesNotContain("climbing the ladder");
  }

  @Test
  void aSpecThePredictorRejectsIsReportedNotFatal() {
    RecordingAnalyzer a = new RecordingAnalyzer();
    a.accept(new RunSpecDeclared(T0, "run-2", 1, "{\"model\":\"no-such-model-xyz\"}"));
    a.accept(report("GPU-aaa", 0, T0, GIB, GIB, List.of()));
    assertThat(a.report("r").prediction()).hasValueSatisfying(c -> {
      assertThat(c.predictedDevicePeakBytes()).isEmpty();
      assertThat(c.problem()).hasValueSatisfying(p -> assertThat(p).contains("no-such-model-xyz"));
      assertThat(c.observedOverPredicted()).isEmpty();
    });
  }

  @Test
  void theTrendIsTheTrainersWhileItRanNotTheMemoryFreedWhenItDied() {
    RecordingAnalyzer a = new RecordingAnalyzer();
    // A trainer leaks 1 MiB/s for 5 minutes, is OOM-killed, and the agent records the idle GPU for 5 more.
    for (int s = 0; s <= 300; s++) {
      long base = 40 * GIB + s * MIB;
      a.accept(report("GPU-aaa", 0, T0.plusSeconds(s), base, base + 10 * GIB, List.of(proc(42, "python", base))));
    }
    for (int s = 301; s <= 600; s++) {
      a.accept(report("GPU-aaa", 0, T0.plusSeconds(s), 0, 0, List.of()));
    }
    GpuTimeline g = a.report("rec").gpus().get(0);
    assertThat(g.peakHolder()).hasValueSatisfying(p -> assertThat(p.pid()).isEqualTo(42));
    // Over the whole recording the slope was about -100 MiB per second.
    assertThat(g.trendBytesPerSecond().getAsDouble()).isCloseTo(MIB, within(1.0));
    assertThat(g.lastUsedBytes()).isZero();
  }

  @Test
  void longRecordingsKeepABoundedSeriesAndShortOnesNoTrend() {
    RecordingAnalyzer a = new RecordingAnalyzer();
    int n = 10_000;
    for (int s = 0; s < n; s++) {
      a.accept(report("GPU-aaa", 0, T0.plusSeconds(s), GIB, 2 * GIB, List.of()));
    }
    GpuTimeline g = a.report("r").gpus().get(0);
    assertThat(g.series().size()).isBetween(RecordingAnalyzer.MAX_SERIES_POINTS / 4, RecordingAnalyzer.MAX_SERIES_POINTS);
    assertThat(g.series()).isSortedAccordingTo((p, q) -> p.at().compareTo(q.at()));
    assertThat(g.peakHolder()).isEmpty();

    RecordingAnalyzer shortOne = new RecordingAnalyzer();
    for (int s = 0; s < 30; s++) {
      shortOne.accept(report("GPU-aaa", 0, T0.plusSeconds(s), GIB + s * MIB, 2 * GIB, List.of()));
    }
    assertThat(shortOne.report("r").gpus().get(0).trendBytesPerSecond()).as("under a minute").isEmpty();
    assertThat(new RecordingAnalyzer().report("empty").gpus()).isEmpty();
  }
}
