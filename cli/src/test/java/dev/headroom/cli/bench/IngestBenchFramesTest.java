package dev.headroom.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.protocol.wire.FrameDecoder;
import dev.headroom.protocol.wire.ObservationMapping;
import dev.headroom.protocol.wire.pb.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The bench's hand-assembled frames must be exactly what the real decoder and mapping accept. */
class IngestBenchFramesTest {

  @Test
  void handAssembledFramesDecodeToTheReportWithTheirSequence() throws Exception {
    var report = IngestBench.report(3);
    byte[] body = IngestBench.bodyWithoutSequence(report);
    ByteBuf stream = Unpooled.buffer();
    long[] sequences = {1, 127, 128, 300_000, 1L << 40};
    for (long s : sequences) {
      IngestBench.writeFrame(stream, s, body);
    }
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder());

    in.writeInbound(stream);

    for (long s : sequences) {
      Frame f = in.readInbound();
      var decoded = ObservationMapping.fromFrame(f.getObservation());
      assertThat(decoded.sequence()).isEqualTo(s);
      assertThat(decoded.observation()).isEqualTo(report);
    }
    assertThat(in.<Object>readInbound()).isNull();
  }

  @Test
  void decodeOnlyBaselineMeasuresSomething() {
    double rate = IngestBench.decodeOnlyRate(IngestBench.bodyWithoutSequence(IngestBench.report(0)), 1);

    assertThat(rate).isPositive();
  }
}
