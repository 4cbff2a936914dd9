package dev.headroom.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.protocol.wire.FrameDecoder;
import dev.headroom.protocol.wire.ObservationMapping;
import dev.headroom.protocol.wire.SequencedObservation;
import dev.headroom.protocol.wire.pb.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's simulated node sends what a real agent would, in wire form the real decoder accepts. */
class SimulatedNodeTest {
  private static final Instant START = Instant.parse("2026-12-01T08:00:00Z");

  private static List<SequencedObservation> decoded(SimulatedNode node, int frames) throws Exception {
    ByteBuf stream = Unpooled.buffer();
    for (long s = 1; s <= frames; s++) {
      node.write(stream, s);
    }
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder());
    in.writeInbound(stream);
    List<SequencedObservation> out = new ArrayList<>();
    for (Frame f = in.readInbound(); f != null; f = in.readInbound()) {
      out.add(ObservationMapping.fromFrame(f.getObservation()));
    }
    return out;
  }

  @Test
  void declaresItsRunFirstThenPerGpuSecondAReportAnAllocatorSampleAndAStepMark() throws Exception {
    SimulatedNode node = new SimulatedNode(7, 8, START);
    int frames = 1 + 2 * node.framesPerSecond();

    List<SequencedObservation> got = decoded(node, frames);

    assertThat(got).extracting(SequencedObservation::sequence)
        .containsExactly(java.util.stream.LongStream.rangeClosed(1, frames).boxed().toArray(Long[]::new));
    assertThat(got.get(0).observation()).isInstanceOfSatisfying(RunSpecDeclared.class, d -> {
      assertThat(d.runId()).isEqualTo("bench-run-7");
      assertThat(d.pid()).isZero();
    });
    List<Observation> rest = got.subList(1, frames).stream().map(SequencedObservation::observation).toList();
    assertThat(rest).filteredOn(DeviceReport.class::isInstance).hasSize(16);
    assertThat(rest).filteredOn(AllocatorSample.class::isInstance).hasSize(16);
    assertThat(rest).filteredOn(StepMark.class::isInstance).hasSize(16);
    List<DeviceReport> reports = rest.stream().filter(DeviceReport.class::isInstance).map(DeviceReport.class::cast).toList();
    assertThat(reports.stream().map(DeviceReport::uuid).distinct()).hasSize(8);
    assertThat(reports).allSatisfy(r -> {
      assertThat(r.hostname()).isEqualTo("bench-node-7");
      assertThat(r.sampleCount()).isEqualTo(SimulatedNode.SAMPLES_PER_REPORT);
      assertThat(r.usedBytes().max()).isGreaterThan(r.usedBytes().min());
      assertThat(r.peakRatio()).isLessThan(0.90); // below the danger line: no alert by design
    });
    // The simulated clock advances a second per round of the node's GPUs.
    assertThat(reports.get(8).at()).isEqualTo(reports.get(0).at().plusSeconds(1));
  }

  @Test
  void nodesHaveTheirOwnGpus() throws Exception {
    DeviceReport a = (DeviceReport) decoded(new SimulatedNode(1, 2, START), 2).get(1).observation();
    DeviceReport b = (DeviceReport) decoded(new SimulatedNode(2, 2, START), 2).get(1).observation();

    assertThat(a.uuid()).isNotEqualTo(b.uuid());
  }
}
