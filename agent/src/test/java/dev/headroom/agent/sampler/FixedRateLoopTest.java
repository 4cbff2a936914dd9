package dev.headroom.agent.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FixedRateLoopTest {

  @Test
  void aTickThatThrowsDoesNotStopTheLoopAndCloseFlushesOnceAfterTheLastTick() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch fiveTicks = new CountDownLatch(5);
    Tickable work = new Tickable() {
      @Override
      public void tick(Instant now) {
        events.add("tick");
        fiveTicks.countDown();
        if (events.size() == 2) {
          throw new IllegalStateException("a bug in one tick");
        }
      }

      @Override
      public void flush(Instant now) {
        events.add("flush");
      }
    };

    FixedRateLoop loop = FixedRateLoop.start("test", Duration.ofMillis(1), Clock.systemUTC(), work);
    assertThat(fiveTicks.await(5, TimeUnit.SECONDS)).as("ticks continue after the failure").isTrue();
    loop.close();
    loop.close();

    assertThat(loop.failedTicks()).isEqualTo(1);
    assertThat(events).filteredOn("flush"::equals).hasSize(1);
    assertThat(events.get(events.size() - 1)).isEqualTo("flush");
  }
}
