package dev.headroom.protocol.recording;

import java.time.Duration;

/**
 * Bounds of a rolling recording.
 *
 * @param maxTotalBytes all segments together; the oldest segment is deleted first to stay below
 * @param maxSegmentBytes a segment is closed and a new one started past this size
 * @param forceInterval how often written records are forced to the device (see {@link
 *     RollingRecordingWriter} for why not after every record)
 */
public record RecordingLimits(long maxTotalBytes, long maxSegmentBytes, Duration forceInterval) {

  /** 256 MiB in 16 MiB segments, forced every 5 s. */
  public static final RecordingLimits DEFAULT = new RecordingLimits(256L << 20, 16L << 20, Duration.ofSeconds(5));

  public RecordingLimits {
    if (maxSegmentBytes < 4096) {
      throw new IllegalArgumentException("maxSegmentBytes must be >= 4096, was " + maxSegmentBytes);
    }
    if (maxTotalBytes < 2 * maxSegmentBytes) {
      throw new IllegalArgumentException(
          "maxTotalBytes (" + maxTotalBytes + ") must hold at least two segments of " + maxSegmentBytes + " bytes");
    }
    if (forceInterval.isNegative()) {
      throw new IllegalArgumentException("forceInterval must not be negative");
    }
    // A segment smaller than the largest record still works: that record gets a segment alone.
  }

  /** Same bounds with another total size. */
  public RecordingLimits withMaxTotalBytes(long bytes) {
    return new RecordingLimits(bytes, Math.min(maxSegmentBytes, bytes / 2), forceInterval);
  }
}
