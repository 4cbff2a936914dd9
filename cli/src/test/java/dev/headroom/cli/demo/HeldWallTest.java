package dev.headroom.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.nvml.sim.CompressedClock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HeldWallTest {
  private final AtomicReference<Instant> real = new AtomicReference<>(Instant.parse("2026-12-01T09:00:00Z"));
  private final InstantSource realSource = real::get;

  @Test
  void standsStillUntilReleasedThenRunsFromWhereItStood() {
    HeldWall wall = new HeldWall(realSource);
    Instant held = wall.instant();
    real.set(real.get().plusSeconds(3)); // start-up takes 3 s
    assertThat(wall.instant()).isEqualTo(held);
    wall.release();
    assertThat(wall.instant()).isEqualTo(held);
    real.set(real.get().plusMillis(1500));
    assertThat(wall.instant()).isEqualTo(held.plusMillis(1500));
    wall.release(); // a second release does not move it
    assertThat(wall.instant()).isEqualTo(held.plusMillis(1500));
  }

  @Test
  void aCompressedClockOnItStartsTheScenarioWhenReleasedWithAFixedOrigin() {
    HeldWall wall = new HeldWall(realSource);
    CompressedClock sim = new CompressedClock(wall, 60, Duration.ofMinutes(5));
    Instant origin = sim.origin();
    real.set(real.get().plusSeconds(2));
    assertThat(sim.secondsAt(sim.now())).isEqualTo(300.0);
    wall.release();
    real.set(real.get().plusSeconds(1));
    assertThat(sim.secondsAt(sim.now())).isEqualTo(360.0);
    assertThat(sim.origin()).isEqualTo(origin);
  }
}
