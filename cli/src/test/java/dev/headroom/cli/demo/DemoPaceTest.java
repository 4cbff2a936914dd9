package dev.headroom.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the demo's speed does to sampling, reporting and the silence thresholds. */
class DemoPaceTest {

  @Test
  void atTheDefaultSpeedReadsTwiceASimulatedSecondAndReportsEverySixSimulatedSeconds() {
    DemoPace pace = new DemoPace(60, Duration.ofSeconds(60));
    assertThat(pace.simulatedDuration()).isEqualTo(Duration.ofHours(1));
    assertThat(pace.samplingHz()).isEqualTo(120);
    assertThat(pace.simulatedReportSpan()).isEqualTo(Duration.ofSeconds(6));
    assertThat(pace.sampler().reportInterval()).isEqualTo(Duration.ofSeconds(6));
    // 2 simulated seconds would be 33 ms of wall time: held at 50 ms (30 posts a second per run at most).
    assertThat(pace.reporterWallPeriod()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void silenceIsStretchedToFiveWallSecondsWhateverTheSpeed() {
    DemoPace fast = new DemoPace(600, Duration.ofSeconds(8));
    // 10 reports a wall second: 50 report intervals are 5 s of wall time.
    assertThat(fast.silentIntervals()).isEqualTo(50);
    assertThat(fast.detectors().silentIntervals()).isEqualTo(50);
    assertThat(fast.detectors().defaultReportInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(fast.registryPolicy().minimumSilence()).isEqualTo(Duration.ofMinutes(50));
    // Everything else keeps the documented thresholds.
    assertThat(fast.detectors().dangerRatio()).isEqualTo(0.90);
    assertThat(fast.detectors().leakWarmUp()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void inRealTimeItBehavesLikeAnAgent() {
    DemoPace real = new DemoPace(1, Duration.ofSeconds(30));
    assertThat(real.samplingHz()).isEqualTo(10);
    assertThat(real.simulatedReportSpan()).isEqualTo(Duration.ofSeconds(1));
    assertThat(real.reporterWallPeriod()).isEqualTo(Duration.ofSeconds(1));
    assertThat(real.silentIntervals()).isEqualTo(5);
    assertThat(real.registryPolicy().minimumSilence()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void samplingIsCappedSoAFastDemoLeavesTheCpuToTheRest() {
    assertThat(new DemoPace(5000, Duration.ofSeconds(5)).samplingHz()).isEqualTo(200);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new DemoPace(0, Duration.ofSeconds(1))).hasMessageContaining("speed");
    assertThatThrownBy(() -> new DemoPace(Double.NaN, Duration.ofSeconds(1))).hasMessageContaining("speed");
    assertThatThrownBy(() -> new DemoPace(60, Duration.ZERO)).hasMessageContaining("wallDuration");
  }
}
