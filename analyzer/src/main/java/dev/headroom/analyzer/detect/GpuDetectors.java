package dev.headroom.analyzer.detect;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.analyzer.model.XidObservation;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every detector that watches one GPU of one run, fed the observations that concern that GPU.
 * {@link #conditions()} says what holds now; the caller diffs it (see {@code AlertTracker}).
 * Not thread-safe.
 */
public final class GpuDetectors {
  /** The kinds these detectors speak for. */
  public static final Set<AlertKind> KINDS =
      Set.copyOf(
          EnumSet.of(
              AlertKind.DANGER,
              AlertKind.PREDICTED_OOM,
              AlertKind.LEAK,
              AlertKind.FRAGMENTATION,
              AlertKind.DEVIATION,
              AlertKind.DEAD_PROCESS_MEMORY,
              AlertKind.XID_ERROR,
              AlertKind.GPU_LOST));

  private final DangerDetector danger;
  private final PredictedOomDetector predictedOom;
  private final LeakDetector leak;
  private final FragmentationDetector fragmentation;
  private final DeviationDetector deviation;
  private final DeadProcessMemoryDetector deadProcess;
  private final XidDetector xid;
  private final GpuLostDetector gpuLost = new GpuLostDetector();

  public GpuDetectors(DetectorConfig config) {
    danger = new DangerDetector(config);
    predictedOom = new PredictedOomDetector(config);
    leak = new LeakDetector(config);
    fragmentation = new FragmentationDetector(config);
    deviation = new DeviationDetector(config);
    deadProcess = new DeadProcessMemoryDetector(config);
    xid = new XidDetector(config);
  }

  /**
   * Feeds one observation about this GPU. Step marks of the run's trainer count for every GPU it
   * uses; run specs and host reports are not the detectors' business and are ignored.
   */
  public void observe(Observation observation) {
    if (observation instanceof DeviceReport r) {
      danger.observe(r);
      predictedOom.observe(r);
      leak.observe(r);
      fragmentation.observe(r);
      deviation.observe(r);
      deadProcess.observe(r);
      xid.observe(r);
      gpuLost.observe(r);
    } else if (observation instanceof AllocatorSample s) {
      fragmentation.observe(s);
    } else if (observation instanceof StepMark m) {
      leak.observe(m);
    } else if (observation instanceof XidObservation x) {
      xid.observe(x);
    }
  }

  /** The run's prediction for this GPU arrived or changed. */
  public void predict(RunPrediction prediction) {
    predictedOom.predict(prediction);
    deviation.predict(prediction);
  }

  /** The conditions holding now, in kind order. */
  public List<Condition> conditions() {
    // Called for every report of every GPU: nothing is allocated while no condition holds.
    List<Condition> now = List.of();
    now = with(now, danger.condition());
    now = with(now, predictedOom.condition());
    now = with(now, leak.condition());
    now = with(now, fragmentation.condition());
    now = with(now, deviation.condition());
    now = with(now, deadProcess.condition());
    now = with(now, xid.condition());
    return with(now, gpuLost.condition());
  }

  private static List<Condition> with(List<Condition> now, Optional<Condition> condition) {
    if (condition.isEmpty()) {
      return now;
    }
    List<Condition> grown = now.isEmpty() ? new ArrayList<>(2) : now;
    grown.add(condition.get());
    return grown;
  }

  /** The leak fit, for the API: slope and time to OOM even before a leak is declared. */
  public Optional<LeakDetector.Estimate> leakEstimate() {
    return leak.estimate();
  }
}
