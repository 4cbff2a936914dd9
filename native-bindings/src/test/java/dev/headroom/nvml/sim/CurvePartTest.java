package dev.headroom.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CurvePartTest {
  private static final double GIB = 1024.0 * 1024 * 1024;

  @Test
  void rampIsFromBeforeAndToAfter() {
    var ramp = new CurvePart.Ramp(ByteQuantity.ofGiB(1), ByteQuantity.ofGiB(5), TimeSpan.ofSeconds(10), TimeSpan.ofSeconds(20));
    assertThat(ramp.bytesAt(0)).isEqualTo(GIB);
    assertThat(ramp.bytesAt(20)).isEqualTo(3 * GIB);
    assertThat(ramp.bytesAt(30)).isEqualTo(5 * GIB);
    assertThat(ramp.bytesAt(1000)).isEqualTo(5 * GIB);
  }

  @Test
  void warmupReachesItsPlateauWithinTheDuration() {
    var warmup = new CurvePart.Warmup(ByteQuantity.ofGiB(30), TimeSpan.ofSeconds(120), null);
    assertThat(warmup.bytesAt(0)).isZero();
    assertThat(warmup.bytesAt(12)).isLessThan(0.5 * 30 * GIB);
    assertThat(warmup.bytesAt(120)).isCloseTo(30 * GIB, within(0.01 * 30 * GIB));
    assertThat(warmup.bytesAt(3600)).isCloseTo(30 * GIB, within(1.0));
  }

  @Test
  void sawtoothPeaksOncePerStepAndIsLowestAtStepBoundaries() {
    var saw = new CurvePart.Sawtooth(TimeSpan.ofSeconds(2), ByteQuantity.ofGiB(4), 0.75, null);
    assertThat(saw.bytesAt(0)).isZero();
    assertThat(saw.bytesAt(1.5)).isCloseTo(4 * GIB, within(1.0)); // end of the rise
    assertThat(saw.bytesAt(0.75)).isCloseTo(2 * GIB, within(1.0));
    assertThat(saw.bytesAt(1.75)).isCloseTo(2 * GIB, within(1.0)); // halfway down
    assertThat(saw.bytesAt(2.0)).isCloseTo(0, within(1.0)); // next step starts low
    assertThat(saw.bytesAt(101.5)).isCloseTo(4 * GIB, within(1.0));
    assertThat(saw.shortestFeatureSeconds()).isEqualTo(2);
  }

  @Test
  void leakGrowsByItsRateFromItsStartUntilItsStop() {
    var leak = new CurvePart.Leak(ByteQuantity.ofMiB(20), TimeSpan.ofMinutes(5), TimeSpan.ofMinutes(65));
    assertThat(leak.bytesAt(60)).isZero();
    assertThat(leak.bytesAt(15 * 60)).isEqualTo(200.0 * 1024 * 1024);
    assertThat(leak.bytesAt(100 * 60)).isEqualTo(1200.0 * 1024 * 1024);
  }

  @Test
  void spikeIsThereOnlyDuringItsWindow() {
    var spike = new CurvePart.Spike(TimeSpan.ofSeconds(30), TimeSpan.ofSeconds(2), ByteQuantity.ofGiB(3));
    assertThat(spike.bytesAt(29.99)).isZero();
    assertThat(spike.bytesAt(30)).isEqualTo(3 * GIB);
    assertThat(spike.bytesAt(31.9)).isEqualTo(3 * GIB);
    assertThat(spike.bytesAt(32)).isZero();
  }
}
