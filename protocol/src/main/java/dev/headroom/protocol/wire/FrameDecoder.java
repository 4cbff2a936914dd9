package dev.headroom.protocol.wire;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.headroom.protocol.wire.pb.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits the byte stream into frames and parses each into a {@link Frame}.
 *
 * <p>Wire form of one frame: a base-128 varint with the payload length, then the payload, a
 * serialized {@code headroom.v1.Frame}. An Ack for sequence 5 is the 5 bytes {@code 04 22 02 08
 * 05}: length {@code 04}, then tag {@code 22} (Frame field 4, length-delimited), length {@code 02},
 * tag {@code 08} (Ack field 1, varint), value {@code 05}.
 *
 * <p>Failures name the byte offset of the frame in the stream: {@link CorruptedFrameException}
 * for a length prefix longer than 5 bytes, a zero length or a payload that is not a Frame; {@link
 * TooLongFrameException} for a length above the limit (checked before reading the payload, so an
 * oversized frame costs no memory). Both leave the decoder failed: the stream has lost its
 * framing, and the handler above is expected to close the connection.
 *
 * <p>One instance per channel (it keeps the stream offset).
 */
public final class FrameDecoder extends ByteToMessageDecoder {

  private final int maxFrameBytes;
  private final boolean keepObservationBytes;
  private long streamOffset;
  private boolean failed;

  public FrameDecoder(int maxFrameBytes) {
    this(maxFrameBytes, false);
  }

  /**
   * @param keepObservationBytes emit each observation frame as a {@link DecodedObservation} that
   *     also carries its serialized {@code ObservationFrame} (other frames stay {@link Frame}s)
   */
  public FrameDecoder(int maxFrameBytes, boolean keepObservationBytes) {
    if (maxFrameBytes < 16) {
      throw new IllegalArgumentException("maxFrameBytes must be >= 16, was " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
    this.keepObservationBytes = keepObservationBytes;
  }

  public FrameDecoder() {
    this(ProtocolVersion.DEFAULT_MAX_FRAME_BYTES);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    while (in.isReadable()) {
      int start = in.readerIndex();
      int length = 0;
      int shift = 0;
      int prefixBytes = 0;
      boolean complete = false;
      while (in.isReadable()) {
        byte b = in.readByte();
        prefixBytes++;
        length |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          complete = true;
          break;
        }
        shift += 7;
        if (prefixBytes == 5) {
          throw fail(in, new CorruptedFrameException(
              "frame at byte " + streamOffset + ": length prefix longer than 5 bytes (not a headroom stream?)"));
        }
      }
      if (!complete) {
        in.readerIndex(start);
        return;
      }
      if (length <= 0) {
        throw fail(in, new CorruptedFrameException(
            "frame at byte " + streamOffset + ": length " + Integer.toUnsignedString(length) + " is not positive"));
      }
      if (length > maxFrameBytes) {
        throw fail(in, new TooLongFrameException(
            "frame at byte " + streamOffset + ": " + length + " bytes exceeds the limit of " + maxFrameBytes));
      }
      if (in.readableBytes() < length) {
        in.readerIndex(start);
        return;
      }
      Frame frame;
      int payloadStart = in.readerIndex();
      try {
        frame = parse(in, length);
      } catch (InvalidProtocolBufferException e) {
        throw fail(in, new CorruptedFrameException(
            "frame at byte " + streamOffset + " (" + length + " bytes): not a headroom frame: " + e.getMessage(), e));
      }
      if (frame.getBodyCase() == Frame.BodyCase.BODY_NOT_SET) {
        throw fail(in, new CorruptedFrameException(
            "frame at byte " + streamOffset + " (" + length + " bytes): no body set (not a headroom frame?)"));
      }
      streamOffset += prefixBytes + length;
      if (keepObservationBytes && frame.hasObservation()) {
        out.add(new DecodedObservation(frame, observationBytes(in, payloadStart, length, frame)));
      } else {
        out.add(frame);
      }
    }
  }

  private static Frame parse(ByteBuf in, int length) throws InvalidProtocolBufferException {
    if (in.hasArray()) {
      int offset = in.arrayOffset() + in.readerIndex();
      in.skipBytes(length);
      return Frame.parser().parseFrom(in.array(), offset, length);
    }
    if (in.nioBufferCount() == 1) {
      // Parse straight from the (usually direct, pooled) buffer: no copy per frame.
      java.nio.ByteBuffer view = in.nioBuffer(in.readerIndex(), length);
      in.skipBytes(length);
      return Frame.parseFrom(view);
    }
    byte[] bytes = new byte[length];
    in.readBytes(bytes);
    return Frame.parseFrom(bytes);
  }

  /**
   * The ObservationFrame's bytes inside a Frame payload: a frame that holds only its observation
   * is the tag byte of field 3, a varint length and those bytes. Anything else (a peer that also
   * wrote unknown fields) is serialized again from the parsed message.
   */
  private static byte[] observationBytes(ByteBuf in, int payloadStart, int payloadLength, Frame frame) {
    int at = payloadStart;
    int end = payloadStart + payloadLength;
    if (in.getByte(at++) == (byte) ((Frame.OBSERVATION_FIELD_NUMBER << 3) | 2)) {
      int length = 0;
      for (int shift = 0; at < end && shift < 35; shift += 7) {
        byte b = in.getByte(at++);
        length |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          if (length == end - at) {
            byte[] bytes = new byte[length];
            in.getBytes(at, bytes);
            return bytes;
          }
          break;
        }
      }
    }
    return frame.getObservation().toByteArray();
  }

  private RuntimeException fail(ByteBuf in, RuntimeException e) {
    failed = true;
    in.skipBytes(in.readableBytes());
    return e;
  }
}
