package dev.headroom.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CounterRateTest {

  @Test
  void firstReadingHasNoRateThenDeltaOverElapsedTime() {
    CounterRate rate = new CounterRate(1);
    assertThat(rate.update(1_000, 64, 0)).isEqualTo(CounterRate.NO_RATE);
    assertThat(rate.update(3_000, 64, 500_000)).isEqualTo(4_000);
    assertThat(rate.update(3_000, 64, 1_500_000)).isZero();
  }

  @Test
  void unitsScaleTheRate() {
    CounterRate kib = new CounterRate(1024);
    kib.update(10, 64, 0);
    assertThat(kib.update(20, 64, 1_000_000)).isEqualTo(10 * 1024);
  }

  @Test
  void sixtyFourBitWrapIsModular() {
    CounterRate rate = new CounterRate(1);
    rate.update(-10L, 64, 0); // 2^64 - 10
    assertThat(rate.update(90, 64, 1_000_000)).isEqualTo(100);
  }

  @Test
  void thirtyTwoBitCountersWrapAtTheirWidthAndIgnoreHighBits() {
    CounterRate rate = new CounterRate(1);
    rate.update(0xFFFF_FFF0L, 32, 0);
    assertThat(rate.update(0x7_0000_0010L, 32, 1_000_000)).isEqualTo(0x20);
  }

  @Test
  void aSixtyFourBitCounterGoingBackwardsIsAResetNotAHugeRate() {
    CounterRate rate = new CounterRate(1);
    rate.update(5_000_000, 64, 0);
    assertThat(rate.update(100, 64, 1_000_000)).isEqualTo(CounterRate.NO_RATE);
    assertThat(rate.update(1_100, 64, 2_000_000)).as("rebased on the reset reading").isEqualTo(1_000);
  }

  @Test
  void noElapsedTimeKeepsTheOlderBase() {
    CounterRate rate = new CounterRate(1);
    rate.update(0, 64, 1_000);
    assertThat(rate.update(500, 64, 1_000)).isEqualTo(CounterRate.NO_RATE);
    assertThat(rate.update(1_000, 64, 1_001_000)).isEqualTo(1_000);
  }

  @Test
  void aChangeOfWidthRebases() {
    CounterRate rate = new CounterRate(1);
    rate.update(0, 64, 0);
    assertThat(rate.update(10, 32, 1_000_000)).isEqualTo(CounterRate.NO_RATE);
    rate.reset();
    assertThat(rate.update(10, 32, 2_000_000)).isEqualTo(CounterRate.NO_RATE);
  }
}
