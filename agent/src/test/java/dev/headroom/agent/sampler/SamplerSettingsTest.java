package dev.headroom.agent.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SamplerSettingsTest {

  @Test
  void theRateIsBetween1And1000Hz() {
    assertThat(SamplerSettings.of(1, Duration.ofSeconds(1)).samplingPeriod()).isEqualTo(Duration.ofSeconds(1));
    assertThat(SamplerSettings.of(1000, Duration.ofSeconds(1)).samplingPeriod()).isEqualTo(Duration.ofMillis(1));
    assertThatThrownBy(() -> SamplerSettings.of(0.5, Duration.ofSeconds(1)))
        .hasMessage("sampling rate must be between 1 and 1000 Hz, got 0.5");
    assertThatThrownBy(() -> SamplerSettings.of(1001, Duration.ofSeconds(1)))
        .hasMessage("sampling rate must be between 1 and 1000 Hz, got 1001.0");
    assertThatThrownBy(() -> SamplerSettings.of(Double.NaN, Duration.ofSeconds(1)))
        .hasMessageContaining("between 1 and 1000 Hz");
  }

  @Test
  void aReportCoversAtLeastOneSamplingPeriod() {
    assertThatThrownBy(() -> SamplerSettings.of(10, Duration.ofMillis(50)))
        .hasMessage("report interval 50 ms is shorter than one sampling period at 10.0 Hz");
  }

  @Test
  void defaultsAre10HzAndOneSecond() {
    SamplerSettings d = SamplerSettings.defaults();
    assertThat(d.rateHz()).isEqualTo(10);
    assertThat(d.reportInterval()).isEqualTo(Duration.ofSeconds(1));
  }
}
