package dev.headroom.agent.sampler;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ticks a {@link Tickable} at a fixed rate on one named daemon thread. A tick that throws is
 * logged and counted, and the next tick runs as usual: the loop never dies silently. Ticks never
 * overlap (one thread, fixed rate: a slow tick delays the next rather than running beside it).
 */
public final class FixedRateLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FixedRateLoop.class);

  private final String name;
  private final Tickable work;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final AtomicLong failedTicks = new AtomicLong();
  private boolean closed;

  private FixedRateLoop(String name, Tickable work, Clock clock) {
    this.name = name;
    this.work = work;
    this.clock = clock;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "headroom-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Ticks {@code work} now and then every {@code period}, with instants from {@code clock}.
   *
   * @param name thread name suffix and log prefix, e.g. {@code sampler}
   */
  public static FixedRateLoop start(String name, Duration period, Clock clock, Tickable work) {
    FixedRateLoop loop = new FixedRateLoop(name, work, clock);
    loop.scheduler.scheduleAtFixedRate(loop::tickOnce, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    return loop;
  }

  /** Ticks that threw (a bug or an unexpected library error), for the self-metrics. */
  public long failedTicks() {
    return failedTicks.get();
  }

  private void tickOnce() {
    try {
      work.tick(clock.instant());
    } catch (RuntimeException e) {
      // A scheduled task that throws is cancelled for good; catching keeps the cadence alive.
      if (failedTicks.incrementAndGet() == 1) {
        log.error("{} tick failed; the loop continues (further failures at debug)", name, e);
      } else {
        log.debug("{} tick failed again", name, e);
      }
    }
  }

  /** Stops ticking, then flushes so the last fraction of an interval is kept. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("{} did not stop within 5 s; flushing anyway", name);
        scheduler.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      work.flush(clock.instant());
    } catch (RuntimeException e) {
      log.error("{} flush on shutdown failed", name, e);
    }
  }
}
