package dev.headroom.collector.http;

import static dev.headroom.collector.testing.Observations.GIB;
import static dev.headroom.collector.testing.Observations.T0;
import static dev.headroom.collector.testing.Observations.agent;
import static dev.headroom.collector.testing.Observations.allocator;
import static dev.headroom.collector.testing.Observations.report;

import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertKey;
import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.runs.PredictedPeaks;
import dev.headroom.collector.runs.RegistryPolicy;
import dev.headroom.collector.runs.RunRegistry;
import dev.headroom.collector.testing.MutableClock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** A registry fed with ten simulated minutes of a run that crosses the danger line, plus its alert. */
final class SimulatedFleet {
  static final String RUN = "mistral-7b-full";
  static final String GPU = "GPU-7b7b7b7b-0000-0000-0000-000000000001";

  final MutableClock clock = new MutableClock(T0);
  final RunRegistry registry =
      new RunRegistry(
          spec -> PredictedPeaks.of(74 * GIB, 66 * GIB, 70 * GIB, "danger: 74 GiB of 79 GiB usable"),
          RegistryPolicy.DEFAULT,
          clock);
  final Alert danger =
      new Alert(
          new AlertKey(AlertKind.DANGER, RUN, GPU),
          "node-b",
          Optional.of(GPU),
          new Condition(AlertKind.DANGER, Severity.CRITICAL, Map.of("ratio", 0.93, "usedBytes", 79_456_894_976.0),
              "GPU 0 at 93 % of usable memory", "lower the micro-batch size or enable activation checkpointing"),
          T0.plusSeconds(500),
          Optional.empty());
  final AlertFeed alerts = limit -> List.of(danger);

  SimulatedFleet() {
    AgentIdentity node = agent("node-b");
    long seq = 0;
    registry.onObservation(node, ++seq, new RunSpecDeclared(T0, RUN, 0, "{\"model\":\"mistral-7b\"}"));
    for (int i = 1; i <= 120; i++) {
      var at = T0.plusSeconds(5L * i);
      long base = 50 * GIB + i * GIB / 5;
      long spike = base + (i % 10) * GIB / 2;
      registry.onObservation(node, ++seq, report("node-b", GPU, 0, at, new Stats(base, spike, base), 3131));
      registry.onObservation(node, ++seq, allocator(at, 3131, 0, Optional.empty(), base - 6 * GIB, base - 2 * GIB));
    }
    registry.onObservation(node, ++seq, report("node-b", "GPU-idle", 1, T0.plusSeconds(600), GIB));
    clock.set(T0.plusSeconds(601));
  }
}
