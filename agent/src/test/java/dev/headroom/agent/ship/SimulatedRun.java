package dev.headroom.agent.ship;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.analyzer.model.Stats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A small training run's observations, one per GPU per simulated second plus step marks. */
final class SimulatedRun {
  static final Instant START = Instant.parse("2026-12-01T08:00:00Z");
  private static final long GIB = 1L << 30;

  private SimulatedRun() {}

  /** Observations of simulated second {@code t}. */
  static List<Observation> second(int t, int gpus) {
    List<Observation> out = new ArrayList<>(gpus + 1);
    Instant at = START.plusSeconds(t);
    for (int g = 0; g < gpus; g++) {
      // A sawtooth per step on top of a slow rise: every value differs, so a swap or a duplicate shows.
      long used = 40 * GIB + (t % 7) * GIB / 2 + t * 1_000_000L + g;
      out.add(new DeviceReport("node-1", "GPU-" + g, g, "sim H100", at.minusSeconds(1), at, 10, DeviceState.OK,
          80 * GIB, 0, new Stats(used - GIB, used, used), List.of(), Optional.of(Stats.of(95)),
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    }
    if (t % 7 == 0) {
      out.add(new StepMark(at, 4242, t / 7, "train"));
    }
    return out;
  }
}
