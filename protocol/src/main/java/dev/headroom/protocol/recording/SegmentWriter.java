package dev.headroom.protocol.recording;

import dev.headroom.protocol.wire.pb.SegmentHeader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import dev.headroom.protocol.wire.SerializedObservation;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Appends records to one new segment file. Not thread-safe; {@link RollingRecordingWriter} guards it.
 *
 * <p>Each record is written with one positional write straight to the file (no user-space buffer),
 * so once {@link #append} returns the record is in the kernel's page cache: it survives a SIGKILL of
 * this process or of the trainer. Only power loss or a kernel crash can lose it before {@link
 * #force}.
 */
final class SegmentWriter implements Closeable {

  private final Path path;
  private final FileChannel channel;
  private long sizeBytes;
  private long records;
  private long firstSequence = -1;
  private long lastSequence = -1;

  private SegmentWriter(Path path, FileChannel channel, long sizeBytes) {
    this.path = path;
    this.channel = channel;
    this.sizeBytes = sizeBytes;
  }

  static SegmentWriter create(Path path, SegmentIdentity identity) throws IOException {
    byte[] header =
        SegmentHeader.newBuilder()
            .setAgentId(identity.agentId())
            .setBootId(identity.bootId())
            .setHostname(identity.hostname())
            .setCreatedUnixNanos(
                identity.createdAt().getEpochSecond() * 1_000_000_000L + identity.createdAt().getNano())
            .build()
            .toByteArray();
    ByteBuffer buf = ByteBuffer.allocate(RecordingFormat.PREAMBLE_BYTES + header.length + 4);
    buf.put(RecordingFormat.MAGIC).putShort((short) RecordingFormat.VERSION).putInt(header.length).put(header);
    CRC32C crc = new CRC32C();
    crc.update(header);
    buf.putInt((int) crc.getValue()).flip();
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      writeFully(channel, buf, 0);
    } catch (IOException e) {
      channel.close();
      java.nio.file.Files.deleteIfExists(path);
      throw e;
    }
    return new SegmentWriter(path, channel, buf.capacity());
  }

  /** Bytes this record will take in the file. */
  static long recordBytes(int payloadBytes) {
    return RecordingFormat.RECORD_OVERHEAD_BYTES + (long) payloadBytes;
  }

  /**
   * Appends one record. On failure (a full disk) the file is cut back to where the record began,
   * so a failed append never leaves a torn record in the middle of a segment.
   */
  void append(long sequence, byte[] payload) throws IOException {
    checkPayload(payload.length);
    ByteBuffer buf = ByteBuffer.allocate(RecordingFormat.RECORD_OVERHEAD_BYTES + payload.length);
    putRecord(buf, payload, new CRC32C());
    commit(buf, 1, sequence, sequence);
  }

  /**
   * Appends several records with one write call (as {@link #append}, but one system call for all):
   * on failure the file is cut back to where the first began, so none of them is half there.
   */
  void appendAll(List<SerializedObservation> batch) throws IOException {
    int bytes = 0;
    for (SerializedObservation o : batch) {
      int length = o.observationFrameBytes().length;
      checkPayload(length);
      bytes += RecordingFormat.RECORD_OVERHEAD_BYTES + length;
    }
    ByteBuffer buf = ByteBuffer.allocate(bytes);
    CRC32C crc = new CRC32C();
    for (SerializedObservation o : batch) {
      putRecord(buf, o.observationFrameBytes(), crc);
    }
    commit(buf, batch.size(), batch.get(0).sequence(), batch.get(batch.size() - 1).sequence());
  }

  private static void checkPayload(int length) {
    if (length == 0 || length > RecordingFormat.MAX_RECORD_BYTES) {
      throw new IllegalArgumentException(
          "record payload of " + length + " bytes, must be 1.." + RecordingFormat.MAX_RECORD_BYTES);
    }
  }

  /** One record as it lies in the file: length, CRC32C of the payload, payload. */
  private static void putRecord(ByteBuffer buf, byte[] payload, CRC32C crc) {
    crc.reset();
    crc.update(payload);
    buf.putInt(payload.length).putInt((int) crc.getValue()).put(payload);
  }

  /**
   * Writes the framed records at the end of the file in one call, or cuts the file back to where
   * they began (a full disk must never leave a torn record mid-segment), then counts them.
   */
  private void commit(ByteBuffer buf, int count, long first, long last) throws IOException {
    buf.flip();
    int bytes = buf.remaining();
    try {
      writeFully(channel, buf, sizeBytes);
    } catch (IOException e) {
      try {
        channel.truncate(sizeBytes);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    sizeBytes += bytes;
    records += count;
    if (firstSequence < 0) {
      firstSequence = first;
    }
    lastSequence = last;
  }

  private static void writeFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      at += channel.write(buf, at);
    }
  }

  void force() throws IOException {
    channel.force(false);
  }

  Path path() {
    return path;
  }

  long sizeBytes() {
    return sizeBytes;
  }

  long records() {
    return records;
  }

  long firstSequence() {
    return firstSequence;
  }

  long lastSequence() {
    return lastSequence;
  }

  @Override
  public void close() throws IOException {
    try {
      channel.force(false);
    } finally {
      channel.close();
    }
  }
}
