package dev.headroom.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.Stats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DangerDetectorTest {

  private static List<Boolean> firingAfterEach(DangerDetector detector, double... peakRatios) {
    List<Boolean> firing = new ArrayList<>();
    for (int i = 0; i < peakRatios.length; i++) {
      detector.observe(Reports.peak(i + 1, peakRatios[i]));
      firing.add(detector.condition().isPresent());
    }
    return firing;
  }

  @Test
  void raisesAfterTwoReportsAtNinetyPercentAndClearsOnlyBelowEightyFive() {
    DangerDetector detector = new DangerDetector(DetectorConfig.defaults());

    List<Boolean> firing = firingAfterEach(detector, 0.91, 0.89, 0.90, 0.95, 0.87, 0.86, 0.851, 0.849, 0.91);

    assertThat(firing).containsExactly(false, false, false, true, true, true, true, false, false);
  }

  @Test
  void judgesThePeakOfEachReportSoASpikeBetweenReportsCounts() {
    DangerDetector detector = new DangerDetector(DetectorConfig.defaults());
    // Last and min are low; only the max (a spike inside the interval) crosses the line.
    detector.observe(Reports.at(1, new Stats(10L << 30, 75L << 30, 10L << 30), DeviceState.OK, List.of()));
    detector.observe(Reports.at(2, new Stats(10L << 30, 74L << 30, 10L << 30), DeviceState.OK, List.of()));

    var condition = detector.condition().orElseThrow();
    assertThat(condition.kind()).isEqualTo(AlertKind.DANGER);
    assertThat(condition.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(condition.values().get("ratio")).isEqualTo(74.0 / 80.0);
    assertThat(condition.values().get("usedBytes")).isEqualTo((double) (74L << 30));
    assertThat(condition.explanation()).contains("92.5 %").contains("74.0 GiB of 80.0 GiB");
    assertThat(condition.suggestedAction()).isNotBlank();
  }

  @Test
  void aFailedReportNeitherCountsNorResetsTheStreak() {
    DangerDetector detector = new DangerDetector(DetectorConfig.defaults());
    detector.observe(Reports.peak(1, 0.95));
    detector.observe(Reports.at(2, Stats.of(0), DeviceState.FAILING, List.of()));
    detector.observe(Reports.peak(3, 0.95));

    assertThat(detector.condition()).isPresent();
  }

  @Test
  void theRatioIsConfigurable() {
    DangerDetector detector = new DangerDetector(DetectorConfig.defaults().withDangerRatio(0.80));

    assertThat(firingAfterEach(detector, 0.81, 0.82, 0.76, 0.74)).containsExactly(false, true, true, false);
  }
}
