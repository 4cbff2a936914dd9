package dev.headroom.protocol.recording;

import java.nio.file.Path;

/**
 * Something a reader skipped: a torn tail, a record whose CRC does not match, a file that is not a
 * segment. {@link #toString()} reads as one log line, e.g. {@code seg-…hrec at byte 4711: torn
 * record (length 812, only 95 bytes left)}.
 */
public record RecordingProblem(Path file, long byteOffset, Kind kind, String detail) {

  /** What was wrong. */
  public enum Kind {
    /**
     * The file ends inside a record, or the newest segment ends inside its header: its writer was
     * killed mid-write. The rest of the file is skipped.
     */
    TORN_TAIL,
    /** The record's bytes do not match its CRC; that record is skipped. */
    CORRUPT_RECORD,
    /** CRC matched but the payload is not a valid observation frame; that record is skipped. */
    MALFORMED_RECORD,
    /** Not a segment or an unsupported version; the whole file is skipped. */
    BAD_HEADER
  }

  @Override
  public String toString() {
    return file + " at byte " + byteOffset + ": " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        + " (" + detail + ")";
  }
}
