package dev.headroom.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.agent.sampler.CollectingSink;
import dev.headroom.agent.sampler.SamplerSettings;
import dev.headroom.agent.sampler.SimulationTimeClock;
import dev.headroom.agent.ship.Shipper;
import dev.headroom.agent.ship.ShipperConfig;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.collector.ingest.IngestConfig;
import dev.headroom.collector.ingest.IngestServer;
import dev.headroom.collector.ingest.InMemoryDeliveryLedger;
import dev.headroom.nvml.sim.CompressedClock;
import dev.headroom.nvml.sim.ScenarioLoader;
import dev.headroom.nvml.sim.SimulatedNvml;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembled agent shipping to a real ingest server: on close, the last interval is sampled,
 * shipped and acknowledged before the shipper stops, so the collector has exactly what the agent
 * emitted, in order.
 */
class AgentShippingTest {
  private static final String SCENARIO = """
      name: shipping-test
      hosts:
        - name: node-s
          devices:
            - type: A100_80GB
              count: 3
              processes:
                - pid: 77
                  memory:
                    - constant: {bytes: 30GiB}
                    - sawtooth: {period: 3s, amplitude: 5GiB}
      """;

  record Delivery(long sequence, Observation observation) {}

  @TempDir Path dir;

  @Test
  void everyObservationArrivesOnceAndInOrderIncludingTheFlushOnClose() throws Exception {
    List<Delivery> delivered = new CopyOnWriteArrayList<>();
    try (IngestServer collector = IngestServer.start(IngestConfig.loopback(0),
        (from, seq, obs) -> delivered.add(new Delivery(seq, obs)), new InMemoryDeliveryLedger())) {
      CompressedClock simTime = new CompressedClock(InstantSource.system(), 20, Duration.ZERO);
      SimulatedNvml nvml = SimulatedNvml.open(ScenarioLoader.parse(SCENARIO, "inline", false), "node-s", simTime);
      SimulationTimeClock clock = new SimulationTimeClock(simTime);
      Shipper shipper = Shipper.start(
          ShipperConfig.of(List.of(collector.address()), "node-s", "boot-1", "node-s", "test", dir.resolve("buffer")),
          clock, RandomGenerator.of("L64X128MixRandom"));
      CollectingSink emitted = new CollectingSink();

      Agent agent = Agent.builder(nvml, clock)
          .hostname("node-s")
          .sampler(SamplerSettings.of(100, Duration.ofSeconds(1)))
          .sink(emitted)
          .sink(shipper)
          .shutdownFlush(Duration.ofSeconds(20))
          .start();
      emitted.await(DeviceReport.class, 9, 10_000);
      agent.close();

      List<Observation> sent = emitted.all(Observation.class);
      assertThat(sent).hasSizeGreaterThanOrEqualTo(9);
      assertThat(delivered).extracting(Delivery::sequence)
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, sent.size()).boxed().toList());
      assertThat(delivered).extracting(Delivery::observation).containsExactlyElementsOf(sent);
    }
  }
}
