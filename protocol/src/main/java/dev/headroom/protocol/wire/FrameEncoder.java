package dev.headroom.protocol.wire;

import com.google.protobuf.CodedOutputStream;
import dev.headroom.protocol.wire.pb.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;

/**
 * Writes a {@link Frame} or an already serialized {@link SerializedObservation} in the form {@link
 * FrameDecoder} reads: varint length, then the Frame bytes. Stateless, so one instance may serve
 * every channel.
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToByteEncoder<Object> {

  /** Tag of {@code Frame.observation} (field 3, length-delimited). */
  private static final int OBSERVATION_TAG = (Frame.OBSERVATION_FIELD_NUMBER << 3) | 2;

  @Override
  public boolean acceptOutboundMessage(Object msg) {
    return msg instanceof Frame || msg instanceof SerializedObservation;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) throws IOException {
    if (msg instanceof Frame frame) {
      int size = frame.getSerializedSize();
      out.ensureWritable(CodedOutputStream.computeUInt32SizeNoTag(size) + size);
      writeVarint(out, size);
      frame.writeTo(new io.netty.buffer.ByteBufOutputStream(out));
    } else {
      // A Frame whose only field is observation = these bytes, built without parsing them again:
      // the shipper replays frames straight from its disk buffer.
      byte[] bytes = ((SerializedObservation) msg).observationFrameBytes();
      int payload = 1 + CodedOutputStream.computeUInt32SizeNoTag(bytes.length) + bytes.length;
      out.ensureWritable(CodedOutputStream.computeUInt32SizeNoTag(payload) + payload);
      writeVarint(out, payload);
      out.writeByte(OBSERVATION_TAG);
      writeVarint(out, bytes.length);
      out.writeBytes(bytes);
    }
  }

  static void writeVarint(ByteBuf out, int value) {
    while ((value & ~0x7F) != 0) {
      out.writeByte((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }
}
