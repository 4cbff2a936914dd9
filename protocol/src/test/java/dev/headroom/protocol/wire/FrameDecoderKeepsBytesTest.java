package dev.headroom.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.protocol.wire.pb.Frame;
import dev.headroom.protocol.wire.pb.ObservationFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The collector's decoder mode: observation frames come with their bytes exactly as received. */
class FrameDecoderKeepsBytesTest {
  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

  @Test
  void observationFramesCarryTheirObservationBytesOtherFramesStayFrames() throws Exception {
    EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder());
    Frame hello = Frames.hello("agent-1", "boot-1", "node-1", "test", "");
    Frame observation = Frames.observation(42, SampleObservations.deviceReport(T0, 7L << 30));
    out.writeOutbound(hello, observation);
    ByteBuf stream = Unpooled.buffer();
    for (ByteBuf b = out.readOutbound(); b != null; b = out.readOutbound()) {
      stream.writeBytes(b);
      b.release();
    }
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(1 << 20, true));

    in.writeInbound(stream);

    assertThat(in.<Object>readInbound()).isEqualTo(hello);
    DecodedObservation decoded = in.readInbound();
    assertThat(decoded.frame()).isEqualTo(observation);
    assertThat(decoded.observationFrameBytes()).isEqualTo(observation.getObservation().toByteArray());
    assertThat(ObservationFrame.parseFrom(decoded.observationFrameBytes()).getSequence()).isEqualTo(42);
  }

  @Test
  void aFrameWithMoreThanItsObservationFallsBackToTheParsedObservation() {
    Frame observation = Frames.observation(5, SampleObservations.deviceReport(T0, 1L << 30));
    byte[] plain = observation.toByteArray();
    // The same frame followed by an unknown field 15 (varint 1), as a newer peer might send.
    byte[] withUnknown = java.util.Arrays.copyOf(plain, plain.length + 2);
    withUnknown[plain.length] = (byte) (15 << 3);
    withUnknown[plain.length + 1] = 1;
    ByteBuf stream = Unpooled.buffer();
    stream.writeByte(withUnknown.length); // < 128: a one-byte varint
    stream.writeBytes(withUnknown);
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(1 << 20, true));

    in.writeInbound(stream);

    DecodedObservation decoded = in.readInbound();
    assertThat(decoded.observationFrameBytes()).isEqualTo(observation.getObservation().toByteArray());
  }
}
