package dev.headroom.protocol.recording;

import dev.headroom.protocol.wire.SampleObservations;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;

/** Run in a child JVM by {@link RecordingSurvivesSigkillTest}: appends records until killed. */
public final class RecordingWriterChild {
  private RecordingWriterChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Instant t0 = Instant.parse("2026-12-01T08:00:00Z");
    SegmentIdentity id = new SegmentIdentity("agent-child", "boot-child", "node", t0);
    RecordingLimits limits = new RecordingLimits(64L << 20, 64L << 10, java.time.Duration.ofSeconds(5));
    try (RollingRecordingWriter w = new RollingRecordingWriter(dir, id, limits, InstantSource.system())) {
      for (long seq = 1; ; seq++) {
        w.append(seq, SampleObservations.fullDeviceReport());
        if (seq == 200) {
          System.out.println("written 200");
          System.out.flush();
        }
      }
    }
  }
}
