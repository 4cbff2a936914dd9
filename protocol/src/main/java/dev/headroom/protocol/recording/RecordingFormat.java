package dev.headroom.protocol.recording;

import java.nio.charset.StandardCharsets;

/**
 * Layout of a recording segment file (all integers big-endian):
 *
 * <pre>
 * offset  size  field
 * 0       8     magic "HROMREC\n"
 * 8       2     format version (1)
 * 10      4     header length H
 * 14      H     SegmentHeader (protobuf: agent id, boot id, hostname, created)
 * 14+H    4     CRC32C of the header
 * then records, each:
 *         4     payload length N (1 .. MAX_RECORD_BYTES)
 *         4     CRC32C of the payload
 *         N     payload: a serialized headroom.v1.ObservationFrame (the same bytes as on the wire)
 * </pre>
 *
 * <p>A record is only trusted when its length fits in the file and its CRC matches: a writer
 * killed mid-record leaves a short tail that readers recognise and skip.
 */
public final class RecordingFormat {

  static final byte[] MAGIC = "HROMREC\n".getBytes(StandardCharsets.US_ASCII);
  public static final int VERSION = 1;
  /** magic + version + header length. */
  static final int PREAMBLE_BYTES = 8 + 2 + 4;
  /** Length and CRC before each record's payload. */
  static final int RECORD_OVERHEAD_BYTES = 8;
  /** Largest record payload (same as the largest wire frame). */
  public static final int MAX_RECORD_BYTES = 1 << 20;
  static final int MAX_HEADER_BYTES = 64 * 1024;
  /** File name suffix of segment files. */
  public static final String SEGMENT_SUFFIX = ".hrec";

  private RecordingFormat() {}
}
