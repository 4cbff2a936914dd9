package dev.headroom.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.protocol.wire.pb.Error;
import dev.headroom.protocol.wire.pb.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

  private static ByteBuf encode(Object... messages) {
    EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder());
    for (Object m : messages) {
      out.writeOutbound(m);
    }
    ByteBuf all = Unpooled.buffer();
    ByteBuf b;
    while ((b = out.readOutbound()) != null) {
      all.writeBytes(b);
      b.release();
    }
    return all;
  }

  @Test
  void ackFrameHasTheDocumentedBytes() {
    ByteBuf bytes = encode(Frames.ack(5));

    byte[] array = new byte[bytes.readableBytes()];
    bytes.readBytes(array);
    assertThat(array).containsExactly(0x04, 0x22, 0x02, 0x08, 0x05);
  }

  @Test
  void framesRoundTripEvenWhenTheStreamArrivesOneByteAtATime() {
    Frame hello = Frames.hello("agent-1", "boot-1", "node-1", "0.1.0", "s3cret");
    Frame obs = Frames.observation(1, SampleObservations.fullDeviceReport());
    ByteBuf stream = encode(hello, obs, Frames.ack(1));
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder());

    while (stream.isReadable()) {
      in.writeInbound(stream.readRetainedSlice(1));
    }

    assertThat((Frame) in.readInbound()).isEqualTo(hello);
    assertThat((Frame) in.readInbound()).isEqualTo(obs);
    assertThat((Frame) in.readInbound()).isEqualTo(Frames.ack(1));
    assertThat(in.<Object>readInbound()).isNull();
  }

  @Test
  void serializedObservationEncodesExactlyLikeTheParsedFrame() {
    var frame = ObservationMapping.toFrame(12, SampleObservations.fullDeviceReport());

    ByteBuf viaBytes = encode(new SerializedObservation(12, frame.toByteArray()));
    ByteBuf viaFrame = encode(Frames.observation(12, SampleObservations.fullDeviceReport()));

    assertThat(io.netty.buffer.ByteBufUtil.equals(viaBytes, viaFrame)).isTrue();
  }

  @Test
  void frameCutInTheMiddleYieldsNothingUntilTheRestArrives() {
    ByteBuf stream = encode(Frames.observation(1, SampleObservations.fullDeviceReport()));
    int half = stream.readableBytes() / 2;
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder());

    in.writeInbound(stream.readRetainedSlice(half));
    assertThat(in.<Object>readInbound()).isNull();
    // The peer closes mid-frame: no half frame is ever handed up.
    assertThat(in.finish()).isFalse();
  }

  @Test
  void garbageBytesAreRefusedWithTheirOffset() {
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder());
    in.writeInbound(encode(Frames.ack(1)));
    in.readInbound();

    ByteBuf http = Unpooled.copiedBuffer("GET /metrics HTTP/1.1\r\nHost: collector.example:7070\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n", StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> in.writeInbound(http))
        .isInstanceOf(CorruptedFrameException.class)
        .hasMessageContaining("frame at byte 5")
        .hasMessageContaining("not a headroom frame");
  }

  @Test
  void overlongLengthPrefixIsRefused() {
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder());
    ByteBuf junk = Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1});

    assertThatThrownBy(() -> in.writeInbound(junk))
        .isInstanceOf(CorruptedFrameException.class)
        .hasMessageContaining("length prefix longer than 5 bytes");
  }

  @Test
  void oversizeFrameIsRefusedBeforeItsPayloadArrives() {
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(1024));
    ByteBuf prefixOnly = Unpooled.buffer();
    FrameEncoder.writeVarint(prefixOnly, 1025);

    assertThatThrownBy(() -> in.writeInbound(prefixOnly))
        .isInstanceOf(TooLongFrameException.class)
        .hasMessageContaining("1025 bytes exceeds the limit of 1024");
  }

  @Test
  void afterAFailureTheDecoderYieldsNoMoreFrames() {
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(1024));
    ByteBuf prefixOnly = Unpooled.buffer();
    FrameEncoder.writeVarint(prefixOnly, 5000);
    assertThatThrownBy(() -> in.writeInbound(prefixOnly)).isInstanceOf(TooLongFrameException.class);

    in.writeInbound(encode(Frames.ack(1)));

    assertThat(in.<Object>readInbound()).isNull();
  }

  @Test
  void frameWithNoBodyIsRefused() {
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder());
    // length 2, then an unknown field 15 (varint) = 1: valid protobuf, but no body.
    ByteBuf noBody = Unpooled.wrappedBuffer(new byte[] {0x02, 0x78, 0x01});

    assertThatThrownBy(() -> in.writeInbound(noBody)).hasMessageContaining("no body set");
  }

  @Test
  void helloFromAnotherProtocolVersionIsRefusedNamingBothVersions() {
    var hello = Frames.hello("a", "b", "h", "9.9", "t").getHello().toBuilder().setProtocolVersion(2).build();

    assertThat(Frames.refusal(hello, "t"))
        .hasValueSatisfying(e -> {
          assertThat(e.getCode()).isEqualTo(Error.Code.UNSUPPORTED_VERSION);
          assertThat(e.getMessage()).contains("version 2").contains("speaks 1");
        });
  }

  @Test
  void helloChecksMagicAndToken() {
    var hello = Frames.hello("agent-9", "b", "h", "0.1", "right").getHello();

    assertThat(Frames.refusal(hello, "right")).isEmpty();
    assertThat(Frames.refusal(hello, "")).isEmpty();
    assertThat(Frames.refusal(hello, "other")).hasValueSatisfying(e -> {
      assertThat(e.getCode()).isEqualTo(Error.Code.BAD_TOKEN);
      assertThat(e.getMessage()).contains("agent-9").doesNotContain("right");
    });
    assertThat(Frames.refusal(hello.toBuilder().setMagic(1).build(), "right"))
        .hasValueSatisfying(e -> assertThat(e.getMessage()).contains("magic"));
  }
}
