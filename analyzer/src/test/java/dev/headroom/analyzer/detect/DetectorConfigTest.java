package dev.headroom.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DetectorConfigTest {
  @Test
  void defaultsAreTheDocumentedThresholds() {
    DetectorConfig c = DetectorConfig.defaults();
    assertThat(c.dangerRatio()).isEqualTo(0.90);
    assertThat(c.dangerClearRatio()).isEqualTo(0.85);
    assertThat(c.fragmentationRatio()).isEqualTo(0.20);
    assertThat(c.deviationOverFactor()).isEqualTo(1.15);
    assertThat(c.silentIntervals()).isEqualTo(3);
  }

  @Test
  void aDangerRatioMovesItsClearRatioAlong() {
    DetectorConfig c = DetectorConfig.defaults().withDangerRatio(0.95);
    assertThat(c.dangerClearRatio()).isCloseTo(0.90, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(c.predictedOomRatio()).isEqualTo(0.95);
  }

  @Test
  void aDangerRatioOutsideZeroToOneIsRefusedByName() {
    assertThatThrownBy(() -> DetectorConfig.defaults().withDangerRatio(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dangerRatio")
        .hasMessageContaining("1.5");
  }
}
