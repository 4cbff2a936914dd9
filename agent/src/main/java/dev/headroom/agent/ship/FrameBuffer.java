package dev.headroom.agent.ship;

import com.google.protobuf.CodedInputStream;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.protocol.recording.RecordingLimits;
import dev.headroom.protocol.recording.RollingRecordingWriter;
import dev.headroom.protocol.recording.SegmentIdentity;
import dev.headroom.protocol.recording.SegmentReader;
import dev.headroom.protocol.wire.ObservationMapping;
import dev.headroom.protocol.wire.SerializedObservation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipper's disk buffer: every frame is numbered and appended here before it is sent, and
 * deleted (a segment at a time) once the collector acknowledged it. It is a rolling recording in
 * the same format as the agent's recording, so its bound works the same way: past it, the oldest
 * frames are dropped and counted.
 *
 * <p>Thread-safe: appends come from the sampler threads, cursors are read on the shipper's event
 * loop; both hold the buffer's lock, so a cursor never sees a record being written.
 */
final class FrameBuffer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FrameBuffer.class);

  private final RollingRecordingWriter writer;
  private long lastSequence;

  FrameBuffer(Path directory, SegmentIdentity identity, RecordingLimits limits, InstantSource clock)
      throws IOException {
    Files.createDirectories(directory);
    long stale = 0;
    try (Stream<Path> old = Files.list(directory)) {
      for (Path p : old.filter(f -> f.toString().endsWith(".hrec")).toList()) {
        stale += Files.size(p);
        Files.delete(p);
      }
    }
    if (stale > 0) {
      log.info("discarded {} bytes of frames an earlier agent process left unshipped in {} "
          + "(they are still in the recording)", stale, directory);
    }
    this.writer = new RollingRecordingWriter(directory, identity, limits, clock);
  }

  /** Numbers the observation and stores it; returns its sequence. */
  synchronized long append(Observation observation) throws IOException {
    long sequence = lastSequence + 1;
    writer.append(sequence, ObservationMapping.toFrame(sequence, observation).toByteArray());
    lastSequence = sequence;
    return sequence;
  }

  /** The collector holds every frame up to {@code sequence}: their segments may go. */
  synchronized void acknowledge(long sequence) throws IOException {
    writer.releaseThrough(sequence);
  }

  synchronized long lastSequence() {
    return lastSequence;
  }

  /** Frames dropped because the buffer was full while the collector was away. */
  synchronized long droppedFrames() {
    return writer.deletedRecords();
  }

  /** A cursor giving the frames from {@code sequence} on, as they are appended. */
  synchronized Cursor cursorFrom(long sequence) {
    return new Cursor(sequence);
  }

  @Override
  public synchronized void close() throws IOException {
    writer.close();
  }

  /** Reads the buffer forward; used by one thread at a time (the event loop). */
  final class Cursor implements AutoCloseable {
    private final long from;
    private Path path;
    private SegmentReader reader;
    private long offset;

    private Cursor(long from) {
      this.from = from;
    }

    /** The next frame at or after the cursor's start, or null when everything stored was given. */
    SerializedObservation next() throws IOException {
      synchronized (FrameBuffer.this) {
        while (true) {
          List<Path> segments = writer.segments();
          if (reader == null && !openNext(segments)) {
            return null;
          }
          SegmentReader.Result result = reader.read(offset);
          if (result instanceof SegmentReader.Record rec) {
            offset = rec.nextOffset();
            long sequence = sequenceOf(rec.payload());
            if (sequence >= from) {
              return new SerializedObservation(sequence, rec.payload());
            }
          } else if (result instanceof SegmentReader.Problem p && p.nextOffset() >= 0) {
            log.warn("frame buffer {} at byte {}: {}; skipped", path, p.offset(), p.detail());
            offset = p.nextOffset();
          } else {
            if (result instanceof SegmentReader.Problem p) {
              log.warn("frame buffer {} at byte {}: {}; rest of segment skipped", path, p.offset(), p.detail());
            }
            if (path.equals(segments.get(segments.size() - 1))) {
              return null; // the segment being written: more will come
            }
            reader.close();
            reader = null;
          }
        }
      }
    }

    private boolean openNext(List<Path> segments) throws IOException {
      for (Path candidate : segments) {
        if (path != null && candidate.compareTo(path) <= 0) {
          continue;
        }
        path = candidate;
        try {
          reader = SegmentReader.open(candidate);
          offset = reader.firstRecordOffset();
          return true;
        } catch (NoSuchFileException e) {
          // Dropped for the bound or released since the listing; try the next one.
        } catch (SegmentReader.BadSegmentException e) {
          log.warn("frame buffer segment {} unreadable: {}; skipped", candidate, e.getMessage());
        }
      }
      return false;
    }

    @Override
    public void close() throws IOException {
      if (reader != null) {
        reader.close();
        reader = null;
      }
    }
  }

  /** Field 1 of an ObservationFrame comes first in protobuf's own serialization. */
  static long sequenceOf(byte[] observationFrame) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(observationFrame);
    int tag = in.readTag();
    if (tag == 8) {
      return in.readUInt64();
    }
    return dev.headroom.protocol.wire.pb.ObservationFrame.parseFrom(observationFrame).getSequence();
  }
}
