package dev.headroom.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class ClockTest {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

  /** A wall clock the test moves by hand. */
  private static final class FakeWall implements InstantSource {
    Instant now = T0;

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void compressedClockRunsFactorTimesFasterFromItsStartOffset() {
    FakeWall wall = new FakeWall();
    CompressedClock clock = new CompressedClock(wall, 60, Duration.ofMinutes(10));
    assertThat(clock.origin()).isEqualTo(T0.minus(Duration.ofMinutes(10)));
    assertThat(clock.secondsAt(clock.now())).isEqualTo(600);
    wall.now = T0.plusSeconds(60);
    assertThat(clock.secondsAt(clock.now())).isEqualTo(600 + 3600);
  }

  @Test
  void compressedClockSleepsOnlyTheCompressedWallTime() throws InterruptedException {
    CompressedClock clock = new CompressedClock(InstantSource.system(), 1000, Duration.ZERO);
    long before = System.nanoTime();
    clock.sleepUntil(clock.now().plusSeconds(20)); // 20 simulated s = 20 wall ms
    long tookMillis = (System.nanoTime() - before) / 1_000_000;
    assertThat(tookMillis).isBetween(15L, 2_000L);
    assertThat(clock.secondsAt(clock.now())).isGreaterThanOrEqualTo(19.9);
  }

  @Test
  void compressedClockRejectsNonsenseFactors() {
    assertThatThrownBy(() -> new CompressedClock(InstantSource.system(), 0, Duration.ZERO))
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> new CompressedClock(InstantSource.system(), Double.NaN, Duration.ZERO))
        .hasMessageContaining("positive");
  }

  @Test
  void manualClockMovesOnlyWhenToldAndWaitingMovesIt() {
    ManualClock clock = new ManualClock(T0, Duration.ofSeconds(5));
    assertThat(clock.now()).isEqualTo(T0.plusSeconds(5));
    clock.advance(Duration.ofMinutes(1));
    assertThat(clock.secondsAt(clock.now())).isEqualTo(65);
    clock.sleepUntil(T0.plusSeconds(30)); // in the past: no effect
    assertThat(clock.secondsAt(clock.now())).isEqualTo(65);
    clock.sleepUntil(T0.plusSeconds(100));
    assertThat(clock.now()).isEqualTo(T0.plusSeconds(100));
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).hasMessageContaining("forward");
  }
}
