package dev.headroom.agent.reporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.agent.sampler.CollectingSink;
import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.nvml.sim.ManualClock;
import dev.headroom.nvml.sim.ScenarioLoader;
import dev.headroom.nvml.sim.SimulatedNvml;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's runs become the posts a reporter would make, on simulated time. */
class SimulatedReporterTest {
  private static final String SCENARIO = """
      name: reporter-test
      seed: 1
      hosts:
        - name: node-a
          devices:
            - type: H100_80GB_SXM
              uuid: GPU-11111111-2222-3333-4444-555555555555
              processes:
                - pid: 4242
                  memory:
                    - constant: {bytes: 10GiB}
                    - sawtooth: {period: 2s, amplitude: 4GiB}
                  oomAt: 30s
                  run:
                    id: run-7
                    spec: {model: llama-3-8b, micro_batch: 4}
                    allocator: {contextBytes: 500MiB}
      """;

  @Test
  void aRunDeclaresItsSpecOnceThenSamplesAndMarksStepsUntilItsOom() throws Exception {
    Instant origin = Instant.parse("2026-01-01T00:00:00Z");
    ManualClock clock = new ManualClock(origin);
    SimulatedNvml nvml =
        SimulatedNvml.open(ScenarioLoader.parse(SCENARIO, "inline", false), "node-a", clock);
    CollectingSink sink = new CollectingSink();
    SimulatedReporter reporter = new SimulatedReporter(nvml.runs(), sink);

    for (int second = 0; second <= 40; second++) {
      reporter.tick(clock.now());
      clock.advance(Duration.ofSeconds(1));
    }

    List<RunSpecDeclared> specs = sink.all(RunSpecDeclared.class);
    assertThat(specs).hasSize(1);
    assertThat(specs.get(0).runId()).isEqualTo("run-7");
    assertThat(specs.get(0).pid()).isEqualTo(4242);
    assertThat(specs.get(0).specJson()).contains("\"micro_batch\":4").startsWith("{");

    List<AllocatorSample> samples = sink.all(AllocatorSample.class);
    // 30 ticks while alive (0 … 29 s) plus the state at the crash.
    assertThat(samples).hasSize(31);
    assertThat(samples.get(0).uuid()).contains("GPU-11111111-2222-3333-4444-555555555555");
    assertThat(samples).allSatisfy(s -> assertThat(s.allocatedBytes()).isLessThanOrEqualTo(s.reservedBytes()));
    assertThat(samples.subList(0, 30)).allSatisfy(s -> assertThat(s.numOoms()).isZero());
    AllocatorSample last = samples.get(30);
    assertThat(last.numOoms()).isEqualTo(1);
    assertThat(last.at()).isEqualTo(origin.plusSeconds(30));

    List<StepMark> steps = sink.all(StepMark.class);
    assertThat(steps).extracting(StepMark::step).isSorted().doesNotHaveDuplicates();
    assertThat(steps).hasSize(15); // 2 s steps over 30 s
    assertThat(steps.get(3).at()).isEqualTo(origin.plusSeconds(6));
  }
}
