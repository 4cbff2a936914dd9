package dev.headroom.protocol.recording;

import dev.headroom.analyzer.model.Observation;
import dev.headroom.protocol.wire.ObservationMapping;
import dev.headroom.protocol.wire.SerializedObservation;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Writes observation frames into a directory of segment files whose total size stays bounded: the
 * oldest segment is deleted first, and what was deleted is counted.
 *
 * <p><b>Durability (fsync) policy.</b> Every record is written with one write call and no
 * user-space buffering, so when {@link #append} returns the record is in the kernel: a SIGKILL of
 * the trainer, or of the agent after the call, loses nothing. An agent SIGKILL <i>during</i> the call
 * can leave at most that one record torn, which readers detect by length and CRC and skip. Records
 * are forced to the device at most every {@link RecordingLimits#forceInterval()} and on roll and
 * close, bounding what a power loss or kernel crash can take to that interval, without an fsync per
 * record (which would cost milliseconds on the sampler's path).
 *
 * <p>Segments from earlier runs in the same directory count toward the bound and are deleted
 * oldest first like our own. Thread-safe (all methods synchronize on the writer).
 */
public final class RollingRecordingWriter implements Closeable {

  private record Closed(Path path, long sizeBytes, long records, long lastSequence) {}

  private final Path directory;
  private final SegmentIdentity identity;
  private final RecordingLimits limits;
  private final InstantSource clock;
  private final Deque<Closed> closed = new ArrayDeque<>();
  private long closedBytes;
  private SegmentWriter current;
  private int segmentCounter;
  private Instant lastForce;
  private long deletedSegments;
  private long deletedBytes;
  private long deletedRecords;
  private long forceFailures;
  private boolean closedForGood;

  /**
   * Opens a new segment in {@code directory} (created if needed); existing segments are kept and
   * counted toward the bound.
   */
  public RollingRecordingWriter(Path directory, SegmentIdentity identity, RecordingLimits limits, InstantSource clock)
      throws IOException {
    this.directory = directory;
    this.identity = identity;
    this.limits = limits;
    this.clock = clock;
    Files.createDirectories(directory);
    for (Path p : RecordingReader.segmentsIn(directory)) {
      long size = Files.size(p);
      closed.addLast(new Closed(p, size, -1, -1));
      closedBytes += size;
    }
    this.current = openSegment();
    this.lastForce = clock.instant();
  }

  /** Appends {@code observation} as the frame with {@code sequence}. */
  public void append(long sequence, Observation observation) throws IOException {
    append(sequence, ObservationMapping.toFrame(sequence, observation).toByteArray());
  }

  /**
   * Appends a serialized {@code ObservationFrame}. When the write fails (a full disk), the oldest
   * segments are deleted one by one and the write retried; the exception is rethrown only when
   * nothing older is left to delete.
   */
  public synchronized void append(long sequence, byte[] observationFrameBytes) throws IOException {
    checkOpen();
    writeMakingRoom(SegmentWriter.recordBytes(observationFrameBytes.length),
        segment -> segment.append(sequence, observationFrameBytes));
  }

  private void checkOpen() throws IOException {
    if (closedForGood) {
      throw new IOException("recording in " + directory + " is closed");
    }
  }

  /** One write into whichever segment is current once room has been made. */
  @FunctionalInterface
  private interface SegmentWrite {
    void into(SegmentWriter segment) throws IOException;
  }

  /**
   * Writes {@code bytes} of records: rolls first when they would overflow a non-empty segment,
   * deletes the oldest segments while the total bound would be exceeded, then writes. A failed
   * write deletes the oldest segment and is retried, until nothing older is left to delete.
   */
  private void writeMakingRoom(long bytes, SegmentWrite write) throws IOException {
    while (true) {
      try {
        if (current.records() > 0 && current.sizeBytes() + bytes > limits.maxSegmentBytes()) {
          roll();
        }
        while (!closed.isEmpty() && closedBytes + current.sizeBytes() + bytes > limits.maxTotalBytes()) {
          deleteOldest();
        }
        write.into(current);
        break;
      } catch (IOException e) {
        // Most likely a full disk: make room by dropping the oldest data, then try again.
        if (closed.isEmpty()) {
          throw e;
        }
        deleteOldest();
      }
    }
    forceIfDue();
  }

  private void forceIfDue() {
    Instant now = clock.instant();
    if (!now.isBefore(lastForce.plus(limits.forceInterval()))) {
      lastForce = now;
      try {
        current.force();
      } catch (IOException e) {
        // The record is written (in the page cache); only its durability against power loss is
        // in doubt. Failing the append now would make the caller reuse this sequence number.
        forceFailures++;
      }
    }
  }

  /**
   * Appends serialized {@code ObservationFrame}s in order, with one write call per segment they
   * land in rather than one per record (the collector writes one read burst of an agent this way).
   * Each record is in the kernel when this returns; the same full-disk handling as {@link
   * #append(long, byte[])}. On failure none of the records of the failed write are in the file.
   */
  public synchronized void appendAll(List<SerializedObservation> batch) throws IOException {
    checkOpen();
    int from = 0;
    while (from < batch.size()) {
      // As many records as fit in the current segment (at least one: a new segment takes any record).
      long room = limits.maxSegmentBytes() - current.sizeBytes();
      long bytes = 0;
      int to = from;
      while (to < batch.size()) {
        long next = SegmentWriter.recordBytes(batch.get(to).observationFrameBytes().length);
        if (to > from && bytes + next > room) {
          break;
        }
        bytes += next;
        to++;
      }
      if (to - from == 1) {
        SerializedObservation only = batch.get(from);
        append(only.sequence(), only.observationFrameBytes());
      } else {
        List<SerializedObservation> run = batch.subList(from, to);
        writeMakingRoom(bytes, segment -> segment.appendAll(run));
      }
      from = to;
    }
  }

  /** Times forcing records to the device failed (data written, durability against power loss unsure). */
  public synchronized long forceFailures() {
    return forceFailures;
  }

  /**
   * Deletes closed segments whose every record has a sequence at or below {@code sequence} (the
   * shipper's buffer: what the collector acknowledged). Does not count as dropped data.
   */
  public synchronized void releaseThrough(long sequence) throws IOException {
    while (!closed.isEmpty() && closed.peekFirst().lastSequence() >= 0 && closed.peekFirst().lastSequence() <= sequence) {
      Closed c = closed.removeFirst();
      closedBytes -= c.sizeBytes();
      Files.deleteIfExists(c.path());
    }
  }

  /** The segment files in order, oldest first, the one being written last. */
  public synchronized List<Path> segments() {
    List<Path> all = new ArrayList<>(closed.size() + 1);
    closed.forEach(c -> all.add(c.path()));
    all.add(current.path());
    return all;
  }

  /**
   * Forces everything written so far to the device. The fsync runs outside this writer's lock, so
   * appends (the collector's ingest threads) do not wait for the disk meanwhile.
   */
  public void force() throws IOException {
    SegmentWriter segment;
    synchronized (this) {
      if (closedForGood) {
        return; // closing forced it
      }
      segment = current;
      lastForce = clock.instant();
    }
    try {
      segment.force();
    } catch (java.nio.channels.ClosedChannelException e) {
      // It rolled or closed meanwhile, and closing a segment forces it.
    }
  }

  public synchronized long totalBytes() {
    return closedBytes + current.sizeBytes();
  }

  /** Segments deleted to respect the bound (oldest data dropped first). */
  public synchronized long deletedSegments() {
    return deletedSegments;
  }

  public synchronized long deletedBytes() {
    return deletedBytes;
  }

  /** Records in deleted segments this writer wrote (segments of earlier runs are counted in bytes only). */
  public synchronized long deletedRecords() {
    return deletedRecords;
  }

  public Path directory() {
    return directory;
  }

  private void roll() throws IOException {
    // The new segment first: if it cannot be created, the current one stays open and usable.
    SegmentWriter next = openSegment();
    SegmentWriter old = current;
    current = next;
    closed.addLast(new Closed(old.path(), old.sizeBytes(), old.records(), old.lastSequence()));
    closedBytes += old.sizeBytes();
    lastForce = clock.instant();
    old.close();
  }

  private void deleteOldest() throws IOException {
    Closed c = closed.removeFirst();
    closedBytes -= c.sizeBytes();
    Files.deleteIfExists(c.path());
    deletedSegments++;
    deletedBytes += c.sizeBytes();
    if (c.records() > 0) {
      deletedRecords += c.records();
    }
  }

  private SegmentWriter openSegment() throws IOException {
    Instant now = clock.instant();
    while (true) {
      // Zero-padded so that name order is time order, across runs too.
      String name = String.format(java.util.Locale.ROOT, "seg-%015d-%06d-%s%s", now.toEpochMilli(),
          segmentCounter++, shortBoot(), RecordingFormat.SEGMENT_SUFFIX);
      Path path = directory.resolve(name);
      if (Files.exists(path)) {
        continue;
      }
      SegmentIdentity id = new SegmentIdentity(identity.agentId(), identity.bootId(), identity.hostname(), now);
      return SegmentWriter.create(path, id);
    }
  }

  private String shortBoot() {
    String safe = identity.bootId().replaceAll("[^A-Za-z0-9]", "");
    return safe.isEmpty() ? "x" : safe.substring(0, Math.min(8, safe.length()));
  }

  @Override
  public synchronized void close() throws IOException {
    if (!closedForGood) {
      closedForGood = true;
      current.close();
    }
  }
}
