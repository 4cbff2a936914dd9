package dev.headroom.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void delaysDoubleWithJitterUpToTheCeilingAndResetAfterSuccess() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), RandomGenerator.of("L64X128MixRandom"));

    long[] ceilings = {100, 200, 400, 800, 1600, 2000, 2000};
    for (long ceiling : ceilings) {
      assertThat(b.next()).isBetween(Duration.ofMillis(ceiling / 2), Duration.ofMillis(ceiling));
    }
    b.reset();
    assertThat(b.next()).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
  }

  @Test
  void jitterSpreadsAgentsThatFailedTogether() {
    var delays = new java.util.HashSet<Duration>();
    for (int seed = 0; seed < 20; seed++) {
      Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new java.util.SplittableRandom(seed));
      b.next();
      delays.add(b.next());
    }
    assertThat(delays).hasSizeGreaterThan(10);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), new java.util.SplittableRandom()))
        .hasMessageContaining("0 < initial <= max");
  }
}
