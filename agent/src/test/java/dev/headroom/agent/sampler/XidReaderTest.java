package dev.headroom.agent.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.XidObservation;
import dev.headroom.nvml.NvmlFeature;
import dev.headroom.nvml.XidEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class XidReaderTest {

  @Test
  void eachXidIsEmittedAtOnceWithItsDeviceAndTime() throws Exception {
    FakeNvml nvml = new FakeNvml().device("GPU-a", n -> FakeNvml.memory("GPU-a", 0));
    CollectingSink sink = new CollectingSink();
    Instant at = Instant.parse("2026-01-01T00:00:05Z");
    try (XidReader reader = XidReader.start(nvml, "node-1", sink).orElseThrow()) {
      nvml.xids.add(new XidEvent("GPU-a", 79, at));
      nvml.xids.add(new XidEvent("GPU-a", 31, at.plusSeconds(1)));

      List<XidObservation> seen = sink.await(XidObservation.class, 2, 5_000);

      assertThat(seen).containsExactly(
          new XidObservation("node-1", "GPU-a", 79, at),
          new XidObservation("node-1", "GPU-a", 31, at.plusSeconds(1)));
      assertThat(reader.emitted()).isEqualTo(2);
    }
  }

  @Test
  void noThreadIsStartedWhenTheDriverHasNoXidEvents() {
    FakeNvml nvml = new FakeNvml();
    nvml.unsupported.add(NvmlFeature.XID_EVENTS);
    assertThat(XidReader.start(nvml, "node-1", new CollectingSink())).isEmpty();
  }
}
