package dev.headroom.nvml.sim;

import java.time.Instant;

/**
 * Simulated time. The simulator reads the scenario at {@link #now()}, measured from {@link
 * #origin()} (the scenario's t = 0). Implementations decide how simulated time relates to the wall
 * clock: {@link CompressedClock} runs it faster than real time, {@link ManualClock} only moves when
 * told, so a test can run an hour of training in milliseconds.
 *
 * <p>Implementations are thread-safe.
 */
public interface SimulationClock {

  /** The instant that is t = 0 of the scenario. */
  Instant origin();

  /** The current simulated instant, never before {@link #origin()}. */
  Instant now();

  /**
   * Waits until simulated time reaches {@code instant} (returns at once when it already has).
   *
   * @throws InterruptedException when the waiting thread is interrupted
   */
  void sleepUntil(Instant instant) throws InterruptedException;

  /** Seconds since the scenario's start at {@code instant}, with nanosecond resolution. */
  default double secondsAt(Instant instant) {
    long nanos =
        (instant.getEpochSecond() - origin().getEpochSecond()) * 1_000_000_000L
            + (instant.getNano() - origin().getNano());
    return nanos / 1e9;
  }

  /** The instant {@code seconds} after the scenario's start. */
  default Instant instantAt(double seconds) {
    return origin().plusNanos(Math.round(seconds * 1e9));
  }
}
