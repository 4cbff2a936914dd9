package dev.headroom.nvml.sim;

import java.util.List;

/**
 * One scenario process placed on a device: absolute times (seconds from the scenario's start) and
 * its memory as a pure function of time, before the device decides whether it is still alive.
 */
final class ProcessModel {
  final long pid;
  final Scenario.Process spec;
  final double startSeconds;
  final double exitSeconds;
  final double forcedOomSeconds;
  /** Which copy of a {@code count: N} device block this is (adds to pid and rank). */
  final int copyIndex;
  private final long seed;
  private final List<CurvePart> parts;
  private final double noiseBytes;

  ProcessModel(Scenario.Process spec, int copyIndex, long seed) {
    this.spec = spec;
    this.copyIndex = copyIndex;
    this.pid = spec.pid() + copyIndex;
    this.seed = seed;
    this.parts = spec.memory();
    this.noiseBytes = spec.noise().bytes();
    this.startSeconds = spec.start().seconds();
    this.exitSeconds =
        spec.exitAt() == null ? Double.POSITIVE_INFINITY : startSeconds + spec.exitAt().seconds();
    this.forcedOomSeconds =
        spec.oomAt() == null ? Double.POSITIVE_INFINITY : startSeconds + spec.oomAt().seconds();
  }

  /** Device memory the process would hold at {@code t} if alive; 0 before it starts. */
  double bytesAt(double t) {
    if (t < startSeconds) {
      return 0;
    }
    return Math.max(0, curveAt(parts, t - startSeconds) + jitterAt(t));
  }

  /** Sum of {@code curve} at process time {@code since}, never negative. */
  static double curveAt(List<CurvePart> curve, double since) {
    double sum = 0;
    for (CurvePart part : curve) {
      sum += part.bytesAt(since);
    }
    return Math.max(0, sum);
  }

  private double jitterAt(double t) {
    return noiseBytes == 0 ? 0 : noiseBytes * Noise.unit(seed, pid, t);
  }

  double shortestFeatureSeconds() {
    double shortest = Double.POSITIVE_INFINITY;
    for (CurvePart part : parts) {
      shortest = Math.min(shortest, part.shortestFeatureSeconds());
    }
    return shortest;
  }
}
