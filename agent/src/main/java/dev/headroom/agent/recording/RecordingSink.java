package dev.headroom.agent.recording;

import dev.headroom.agent.ObservationSink;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.protocol.recording.RecordingLimits;
import dev.headroom.protocol.recording.RollingRecordingWriter;
import dev.headroom.protocol.recording.SegmentIdentity;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every observation to a bounded rolling recording (default 256 MiB, oldest segment deleted
 * first). The recording numbers observations itself, 1, 2, 3... per agent process, independently of
 * the shipper.
 *
 * <p>A trainer killed by SIGKILL or the OOM killer loses nothing the agent already wrote (see the
 * durability note on {@link RollingRecordingWriter}). When the disk is full, the writer first
 * deletes its oldest segments to make room; if that is not enough the observation is dropped and
 * counted, one log line says so, and the sink keeps going: the sampler is never stopped by the
 * recording. Thread-safe.
 */
public final class RecordingSink implements ObservationSink, Closeable {

  private static final Logger log = LoggerFactory.getLogger(RecordingSink.class);

  /** What the sink writes through; the rolling writer in production, a failing one in tests. */
  public interface Writer extends Closeable {
    void append(long sequence, Observation observation) throws IOException;

    long deletedSegments();
  }

  private final Writer writer;
  private final String where;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong droppedObservations = new AtomicLong();
  private boolean failing;

  RecordingSink(Writer writer, String where) {
    this.writer = writer;
    this.where = where;
  }

  /** A sink writing into {@code directory} (created if needed) within {@code limits}. */
  public static RecordingSink open(Path directory, SegmentIdentity identity, RecordingLimits limits,
      InstantSource clock) throws IOException {
    RollingRecordingWriter rolling = new RollingRecordingWriter(directory, identity, limits, clock);
    return new RecordingSink(new Writer() {
      @Override
      public void append(long seq, Observation observation) throws IOException {
        rolling.append(seq, observation);
      }

      @Override
      public long deletedSegments() {
        return rolling.deletedSegments();
      }

      @Override
      public void close() throws IOException {
        rolling.close();
      }
    }, directory.toString());
  }

  @Override
  public synchronized void accept(Observation observation) {
    long seq = sequence.incrementAndGet();
    try {
      writer.append(seq, observation);
      if (failing) {
        failing = false;
        log.info("recording in {} writable again; {} observations were dropped meanwhile", where,
            droppedObservations.get());
      }
    } catch (IOException | RuntimeException e) {
      droppedObservations.incrementAndGet();
      if (!failing) {
        failing = true;
        log.error("recording in {} cannot be written ({}); dropping observations until it can, "
            + "sampling goes on", where, e.getMessage());
      }
    }
  }

  /** Observations not recorded because the disk refused them. */
  public long droppedObservations() {
    return droppedObservations.get();
  }

  /** Old segments deleted to keep within the size bound (or to make room on a full disk). */
  public long deletedSegments() {
    return writer.deletedSegments();
  }

  @Override
  public synchronized void close() throws IOException {
    writer.close();
  }
}
