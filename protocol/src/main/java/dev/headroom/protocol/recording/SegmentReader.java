package dev.headroom.protocol.recording;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.headroom.protocol.wire.pb.SegmentHeader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads the records of one segment file from any offset. Not thread-safe.
 *
 * <p>Open it with {@link #open}, which checks the preamble and header and throws {@link
 * BadSegmentException} for a file that is not a segment; then call {@link #read} with the offset
 * of a record ({@link #firstRecordOffset()} to begin).
 */
public final class SegmentReader implements Closeable {

  /** What {@link #read} found at an offset. */
  public sealed interface Result permits Record, End, Problem {}

  /** A whole record whose CRC matched. */
  public record Record(long offset, byte[] payload, long nextOffset) implements Result {}

  /** The file ends exactly at this offset: no more records now. */
  public record End(long offset) implements Result {}

  /**
   * A record that cannot be trusted. {@code nextOffset} is where reading may go on, or -1 when the
   * rest of the file is unreadable (a torn tail, an impossible length).
   */
  public record Problem(long offset, RecordingProblem.Kind kind, String detail, long nextOffset)
      implements Result {}

  /** The file is not a readable segment. */
  public static final class BadSegmentException extends Exception {
    private static final long serialVersionUID = 1L;
    private final long byteOffset;
    private final boolean truncated;

    BadSegmentException(long byteOffset, String message) {
      this(byteOffset, message, false);
    }

    BadSegmentException(long byteOffset, String message, boolean truncated) {
      super(message);
      this.byteOffset = byteOffset;
      this.truncated = truncated;
    }

    public long byteOffset() {
      return byteOffset;
    }

    /**
     * The file ends before its header does: what a writer killed while starting the segment
     * leaves (it writes the header in one call, but the kernel may have stored part of it).
     */
    public boolean truncated() {
      return truncated;
    }
  }

  private final Path path;
  private final FileChannel channel;
  private final SegmentIdentity identity;
  private final long firstRecordOffset;

  private SegmentReader(Path path, FileChannel channel, SegmentIdentity identity, long firstRecordOffset) {
    this.path = path;
    this.channel = channel;
    this.identity = identity;
    this.firstRecordOffset = firstRecordOffset;
  }

  public static SegmentReader open(Path path) throws IOException, BadSegmentException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      ByteBuffer pre = ByteBuffer.allocate(RecordingFormat.PREAMBLE_BYTES);
      readFully(channel, pre, 0);
      if (pre.hasRemaining()) {
        throw new BadSegmentException(0, "file of " + channel.size() + " bytes is shorter than a segment preamble",
            true);
      }
      pre.flip();
      byte[] magic = new byte[RecordingFormat.MAGIC.length];
      pre.get(magic);
      if (!Arrays.equals(magic, RecordingFormat.MAGIC)) {
        throw new BadSegmentException(0, "not a headroom recording segment (bad magic)");
      }
      int version = Short.toUnsignedInt(pre.getShort());
      if (version != RecordingFormat.VERSION) {
        throw new BadSegmentException(8, "segment format version " + version + ", this build reads " + RecordingFormat.VERSION);
      }
      int headerLength = pre.getInt();
      if (headerLength < 0 || headerLength > RecordingFormat.MAX_HEADER_BYTES) {
        throw new BadSegmentException(10, "header length " + headerLength + " out of range");
      }
      ByteBuffer header = ByteBuffer.allocate(headerLength + 4);
      readFully(channel, header, RecordingFormat.PREAMBLE_BYTES);
      if (header.hasRemaining()) {
        throw new BadSegmentException(RecordingFormat.PREAMBLE_BYTES, "file ends inside the segment header", true);
      }
      header.flip();
      byte[] headerBytes = new byte[headerLength];
      header.get(headerBytes);
      CRC32C crc = new CRC32C();
      crc.update(headerBytes);
      if ((int) crc.getValue() != header.getInt()) {
        throw new BadSegmentException(RecordingFormat.PREAMBLE_BYTES, "segment header CRC mismatch");
      }
      SegmentHeader h;
      try {
        h = SegmentHeader.parseFrom(headerBytes);
      } catch (InvalidProtocolBufferException e) {
        throw new BadSegmentException(RecordingFormat.PREAMBLE_BYTES, "segment header unreadable: " + e.getMessage());
      }
      long created = h.getCreatedUnixNanos();
      SegmentIdentity identity = new SegmentIdentity(h.getAgentId(), h.getBootId(), h.getHostname(),
          Instant.ofEpochSecond(Math.floorDiv(created, 1_000_000_000L), Math.floorMod(created, 1_000_000_000L)));
      return new SegmentReader(path, channel, identity, RecordingFormat.PREAMBLE_BYTES + headerLength + 4L);
    } catch (IOException | BadSegmentException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  public Path path() {
    return path;
  }

  public SegmentIdentity identity() {
    return identity;
  }

  public long firstRecordOffset() {
    return firstRecordOffset;
  }

  /** The record at {@code offset}; see {@link Result}. */
  public Result read(long offset) throws IOException {
    long size = channel.size();
    if (offset >= size) {
      return new End(offset);
    }
    ByteBuffer head = ByteBuffer.allocate(RecordingFormat.RECORD_OVERHEAD_BYTES);
    readFully(channel, head, offset);
    if (head.hasRemaining()) {
      return new Problem(offset, RecordingProblem.Kind.TORN_TAIL,
          "record header cut after " + head.position() + " of 8 bytes", -1);
    }
    head.flip();
    int length = head.getInt();
    int expectedCrc = head.getInt();
    if (length <= 0 || length > RecordingFormat.MAX_RECORD_BYTES) {
      return new Problem(offset, RecordingProblem.Kind.CORRUPT_RECORD,
          "impossible record length " + Integer.toUnsignedString(length), -1);
    }
    long available = size - offset - RecordingFormat.RECORD_OVERHEAD_BYTES;
    if (available < length) {
      return new Problem(offset, RecordingProblem.Kind.TORN_TAIL,
          "record of " + length + " bytes, only " + available + " left in the file", -1);
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    readFully(channel, payload, offset + RecordingFormat.RECORD_OVERHEAD_BYTES);
    long next = offset + RecordingFormat.RECORD_OVERHEAD_BYTES + length;
    CRC32C crc = new CRC32C();
    crc.update(payload.array());
    if ((int) crc.getValue() != expectedCrc) {
      // The length may be what got damaged; if it did, the next read reports the misalignment.
      return new Problem(offset, RecordingProblem.Kind.CORRUPT_RECORD,
          "CRC32C mismatch over " + length + " bytes", next);
    }
    return new Record(offset, payload.array(), next);
  }

  private static void readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, at);
      if (n < 0) {
        return;
      }
      at += n;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
