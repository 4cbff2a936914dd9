package dev.headroom.analyzer.postmortem.recording;

import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.analyzer.model.XidObservation;
import dev.headroom.analyzer.predict.FitLadder;
import dev.headroom.analyzer.predict.MemoryPredictor;
import dev.headroom.analyzer.predict.Metric;
import dev.headroom.analyzer.predict.Prediction;
import dev.headroom.analyzer.predict.RunSpec;
import dev.headroom.analyzer.predict.SpecException;
import dev.headroom.analyzer.predict.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Folds a recording's observations, in order, into a {@link RecordingReport}. Streaming: memory
 * grows with the number of GPUs and the thinned chart series, not with the recording's length.
 * Feed with {@link #accept}, then call {@link #report}. Not thread-safe.
 */
public final class RecordingAnalyzer {

  public static final int MAX_SERIES_POINTS = 2000;
  /** A trend over less than this is noise, not a leak. */
  static final Duration MIN_TREND_SPAN = Duration.ofMinutes(1);

  private final Map<String, GpuState> gpus = new LinkedHashMap<>();
  private final Map<String, AllocState> allocators = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();
  private RunSpecDeclared runSpec;
  private StepMark lastStep;
  private Instant first;
  private Instant last;
  private int observations;
  private int xids;

  public void accept(Observation o) {
    observations++;
    if (first == null || o.at().isBefore(first)) {
      first = o.at();
    }
    if (last == null || o.at().isAfter(last)) {
      last = o.at();
    }
    if (o instanceof DeviceReport r) {
      gpus.computeIfAbsent(r.hostname() + "/" + r.uuid(), k -> new GpuState(r)).add(r);
    } else if (o instanceof AllocatorSample a) {
      allocators.computeIfAbsent(a.pid() + ":" + a.cudaDevice(), k -> new AllocState(a)).add(a);
    } else if (o instanceof RunSpecDeclared s) {
      runSpec = s;
    } else if (o instanceof StepMark m) {
      lastStep = m;
    } else if (o instanceof XidObservation) {
      xids++;
    }
    // HostMemoryReport: host memory is not what a GPU post-mortem explains.
  }

  /** Something the recording's reader skipped, carried into the report. */
  public void problem(String description) {
    problems.add(description);
  }

  public RecordingReport report(String source) {
    List<GpuTimeline> g = gpus.values().stream().map(GpuState::timeline)
        .sorted(Comparator.comparing(GpuTimeline::hostname).thenComparingInt(GpuTimeline::index))
        .toList();
    List<AllocatorTimeline> a = allocators.values().stream().map(AllocState::timeline).toList();
    Optional<PredictionCheck> prediction = Optional.ofNullable(runSpec).map(s -> predict(s, g));
    return new RecordingReport(source, observations, Optional.ofNullable(first), Optional.ofNullable(last),
        g, a, Optional.ofNullable(runSpec), prediction, Optional.ofNullable(lastStep), xids, problems);
  }

  /** Runs the predictor on the declared spec; a spec it rejects is reported, not fatal. */
  private static PredictionCheck predict(RunSpecDeclared declared, List<GpuTimeline> gpus) {
    long observed = gpus.stream().mapToLong(GpuTimeline::peakUsedBytes).max().orElse(0);
    try {
      RunSpec spec = RunSpec.parse(declared.specJson(), "run " + declared.runId());
      Prediction p = MemoryPredictor.standard().predict(spec);
      // A run predicted to fit needs no rung; listing "what would have fit" for it read as if it had not.
      List<PredictionCheck.Rung> ladder = p.verdict(Metric.DEVICE) == Verdict.FITS ? List.of()
          : FitLadder.standard().climb(spec).stream()
              .map(r -> new PredictionCheck.Rung(r.name(), r.cost(), r.prediction().peakBytes(Metric.DEVICE), r.fits()))
              .toList();
      return new PredictionCheck(OptionalLong.of(p.peakBytes(Metric.DEVICE)), OptionalLong.of(p.peakBytes(Metric.RESERVED)),
          observed, ladder, Optional.empty());
    } catch (SpecException e) {
      return new PredictionCheck(OptionalLong.empty(), OptionalLong.empty(), observed, List.of(),
          Optional.of(e.getMessage()));
    }
  }

  private static final class GpuState {
    final DeviceReport firstReport;
    DeviceReport lastReport;
    DeviceReport peakReport;
    int reports;
    // The slope of the per-report minimum while the process that will hold the peak is on the GPU:
    // a recording goes on after the trainer ended or crashed, and the memory freed then is no trend.
    // Which process that is shows only at the end, so every process seen gets its running sums.
    final LeastSquares wholeRecording = new LeastSquares();
    final Map<Long, LeastSquares> whileProcessPresent = new HashMap<>();
    List<GpuTimeline.Point> series = new ArrayList<>();
    int keepEvery = 1;

    GpuState(DeviceReport first) {
      this.firstReport = first;
    }

    void add(DeviceReport r) {
      reports++;
      lastReport = r;
      if (r.sampleCount() == 0) {
        return;
      }
      if (peakReport == null || r.usedBytes().max() > peakReport.usedBytes().max()) {
        peakReport = r;
      }
      double t = Duration.between(firstReport.at(), r.at()).toMillis() / 1000.0;
      double y = r.usedBytes().min();
      wholeRecording.add(t, y);
      for (ProcessReport p : r.processes()) {
        whileProcessPresent.computeIfAbsent(p.pid(), pid -> new LeastSquares()).add(t, y);
      }
      if (reports % keepEvery == 0) {
        series.add(new GpuTimeline.Point(r.at(), r.usedBytes().max()));
        if (series.size() > MAX_SERIES_POINTS) {
          // Halve the series and keep every other point from now on: bounded, still evenly spread.
          List<GpuTimeline.Point> thinned = new ArrayList<>(MAX_SERIES_POINTS / 2 + 1);
          for (int i = 0; i < series.size(); i += 2) {
            thinned.add(series.get(i));
          }
          series = thinned;
          keepEvery *= 2;
        }
      }
    }

    GpuTimeline timeline() {
      DeviceReport peak = peakReport != null ? peakReport : lastReport;
      Optional<GpuTimeline.ProcessAtPeak> holder = peak.processes().stream()
          .max(Comparator.comparingLong((ProcessReport p) -> p.usedBytes().max()))
          .map(p -> new GpuTimeline.ProcessAtPeak(p.pid(), p.name(), p.usedBytes().max()));
      // Without a process at the peak (the driver hides them in a container), the whole recording.
      LeastSquares fit = holder.map(h -> whileProcessPresent.get(h.pid())).orElse(wholeRecording);
      OptionalDouble trend = fit.slope(MIN_TREND_SPAN.toSeconds());
      return new GpuTimeline(lastReport.hostname(), lastReport.uuid(), lastReport.index(), lastReport.name(),
          lastReport.totalBytes(), lastReport.usableBytes(), peak.usedBytes().max(), peak.at(), holder,
          lastReport.usedBytes().last(), lastReport.at(), lastReport.state(), reports, trend, series);
    }
  }

  /** Running sums for a least-squares slope of y over t (seconds since the recording's first report). */
  private static final class LeastSquares {
    double n;
    double sumT;
    double sumY;
    double sumTT;
    double sumTY;
    double firstT = Double.NaN;
    double lastT;

    void add(double t, double y) {
      if (n == 0) {
        firstT = t;
      }
      lastT = t;
      n++;
      sumT += t;
      sumY += y;
      sumTT += t * t;
      sumTY += t * y;
    }

    /** Bytes per second; empty under 3 points or a span shorter than {@code minSpanSeconds}. */
    OptionalDouble slope(double minSpanSeconds) {
      double denominator = n * sumTT - sumT * sumT;
      if (n < 3 || lastT - firstT < minSpanSeconds || denominator <= 0) {
        return OptionalDouble.empty();
      }
      return OptionalDouble.of((n * sumTY - sumT * sumY) / denominator);
    }
  }

  private static final class AllocState {
    final AllocatorSample firstSample;
    AllocatorSample lastSample;
    long peakAllocated;
    long peakReserved;
    int samples;

    AllocState(AllocatorSample first) {
      this.firstSample = first;
    }

    void add(AllocatorSample a) {
      samples++;
      lastSample = a;
      peakAllocated = Math.max(peakAllocated, Math.max(a.allocatedBytes(), a.peakAllocatedBytes()));
      peakReserved = Math.max(peakReserved, Math.max(a.reservedBytes(), a.peakReservedBytes()));
    }

    AllocatorTimeline timeline() {
      OptionalLong largest = lastSample.largestFreeBlockBytes();
      return new AllocatorTimeline(firstSample.pid(), firstSample.cudaDevice(), samples, peakAllocated,
          peakReserved, lastSample.allocatedBytes(), lastSample.reservedBytes(), lastSample.inactiveSplitBytes(),
          largest, lastSample.numAllocRetries(), lastSample.numOoms(), lastSample.at());
    }
  }
}
