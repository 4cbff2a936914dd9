package dev.headroom.agent.sampler;

import dev.headroom.nvml.sim.SimulationClock;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that reads the simulator's time, so in {@code --simulate} mode every
 * observation is stamped with the simulated instant its readings belong to (with a compressed
 * clock, a simulated hour of reports carries an hour of timestamps).
 */
public final class SimulationTimeClock extends Clock {
  private final SimulationClock simulation;

  public SimulationTimeClock(SimulationClock simulation) {
    this.simulation = simulation;
  }

  @Override
  public Instant instant() {
    return simulation.now();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (zone.equals(ZoneOffset.UTC)) {
      return this;
    }
    throw new UnsupportedOperationException("simulated time is kept in UTC");
  }
}
