package dev.headroom.analyzer.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The predictor against the published measurements in samples/calibration, beside the two anchors
 * computed on the same rows (the figures themselves are printed by {@code headroom bench predict}).
 */
class CalibrationTest {
  private static final double GIB = 1L << 30;

  @Test
  void headroomIsFarCloserToTheMeasurementsThanTheAnchors() {
    List<Double> ours = new ArrayList<>();
    List<Double> accelerate = new ArrayList<>();
    List<Double> deepSpeed = new ArrayList<>();
    MemoryPredictor predictor = MemoryPredictor.standard();
    for (PredictionCase c : CasesFile.calibration()) {
      PredictionCase.Valid v = (PredictionCase.Valid) c;
      double measured = v.measuredGib().orElseThrow();
      ours.add(ErrorSummary.absolutePercentError(predictor.predict(v.spec()).peakBytes(v.metric()) / GIB, measured));
      accelerate.add(ErrorSummary.absolutePercentError(AnchorEstimates.accelerate(v.spec()) / GIB, measured));
      deepSpeed.add(ErrorSummary.absolutePercentError(AnchorEstimates.deepSpeed(v.spec()) / GIB, measured));
    }
    ErrorSummary headroom = ErrorSummary.of(ours);
    assertThat(headroom.count()).isEqualTo(47);
    assertThat(headroom.medianPercent()).isLessThan(ErrorSummary.of(accelerate).medianPercent() / 2);
    assertThat(headroom.medianPercent()).isLessThan(ErrorSummary.of(deepSpeed).medianPercent() / 2);
    assertThat(headroom.medianPercent()).isLessThan(15);
  }

  @Test
  void withoutTheExcludedRowsTheErrorsShrinkAndTheAnchorsStayFarBehind() {
    CalibrationExclusions exclusions = CalibrationExclusions.bundled();
    List<Double> all = new ArrayList<>();
    List<Double> kept = new ArrayList<>();
    List<Double> keptAccelerate = new ArrayList<>();
    MemoryPredictor predictor = MemoryPredictor.standard();
    for (PredictionCase c : CasesFile.calibration()) {
      PredictionCase.Valid v = (PredictionCase.Valid) c;
      double measured = v.measuredGib().orElseThrow();
      double error = ErrorSummary.absolutePercentError(predictor.predict(v.spec()).peakBytes(v.metric()) / GIB, measured);
      all.add(error);
      if (exclusions.find(v.id()).isEmpty()) {
        kept.add(error);
        keptAccelerate.add(ErrorSummary.absolutePercentError(AnchorEstimates.accelerate(v.spec()) / GIB, measured));
      }
    }
    ErrorSummary everything = ErrorSummary.of(all);
    ErrorSummary representable = ErrorSummary.of(kept);
    assertThat(representable.count()).isEqualTo(all.size() - exclusions.all().size());
    assertThat(representable.p90Percent()).isLessThan(everything.p90Percent());
    assertThat(representable.medianPercent()).isLessThan(ErrorSummary.of(keptAccelerate).medianPercent() / 5);
  }

  @Test
  void errorSummaryUsesTheMiddleAndTheNearestRank() {
    ErrorSummary s = ErrorSummary.of(List.of(5.0, 1.0, 3.0, 2.0, 4.0, 6.0, 7.0, 8.0, 9.0, 10.0));
    assertThat(s.medianPercent()).isEqualTo(5.5);
    assertThat(s.p90Percent()).isEqualTo(9.0);
    assertThat(ErrorSummary.absolutePercentError(11, 10)).isCloseTo(10.0, within(1e-9));
    assertThat(ErrorSummary.absolutePercentError(9, 10)).isCloseTo(10.0, within(1e-9));
  }
}
