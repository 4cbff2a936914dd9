package dev.headroom.collector.store;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.ingest.PartlyStoredException;
import dev.headroom.collector.runs.RunObservation;
import dev.headroom.collector.runs.RunObservationListener;
import dev.headroom.protocol.recording.RecordedObservation;
import dev.headroom.protocol.recording.RecordingLimits;
import dev.headroom.protocol.recording.RecordingReader;
import dev.headroom.protocol.recording.RollingRecordingWriter;
import dev.headroom.protocol.recording.SegmentIdentity;
import dev.headroom.protocol.wire.ObservationMapping;
import dev.headroom.protocol.wire.SerializedObservation;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-run recordings, in the agent's own frame format ({@link RollingRecordingWriter}), so {@code
 * headroom postmortem} reads a collector's recording like an agent's. Layout:
 * {@code <dir>/<run>/<agent>/segment files}; observations of no run go under {@code <dir>/_host-<name>}.
 *
 * <p>Written synchronously from the ingest listener, before the frame is acknowledged: when {@link
 * #onRunObservation} returns the record is in the kernel and survives a collector SIGKILL. A failed
 * write throws, so the frame is not acknowledged and the agent sends it again. Forcing to the device
 * is left to {@link #forceDirty()}, which the collector calls periodically off the ingest path.
 *
 * <p><b>Each frame once.</b> Every writer knows the last sequence its folder holds (seeded when the
 * collector restores, read from the folder's tail otherwise) and skips a frame at or below it: a
 * burst refused after part of it was written (one of its runs' writes failed) is sent again by the
 * agent, and what was written the first time is not written twice. A writer whose write failed is
 * dropped, so its successor starts from what the folder really holds.
 *
 * <p>Thread-safe: one writer per (run, agent), each synchronized by itself.
 */
public final class RunRecordings implements RunObservationListener, Closeable {
  private static final Logger log = LoggerFactory.getLogger(RunRecordings.class);
  private static final long MAX_SEGMENT_BYTES = 16L << 20;
  private static final Duration NEVER_BY_ITSELF = Duration.ofDays(3650);

  private final Path directory;
  private final RetentionPolicy retention;
  private final InstantSource clock;
  private final Map<Path, OpenWriter> writers = new ConcurrentHashMap<>();
  private final Map<WriterKey, OpenWriter> byKey = new ConcurrentHashMap<>();
  /** Folder → the last sequence it holds, for folders without an open writer (restored, or idle-closed). */
  private final Map<Path, Long> knownLastSequences = new ConcurrentHashMap<>();
  private final LongAdder resentFramesSkipped = new LongAdder();

  private static final class OpenWriter {
    final Path directory;
    final RollingRecordingWriter writer;
    volatile Instant lastWrite;
    /** Written since the last force. */
    volatile boolean dirty;
    /** The highest sequence the folder holds; guarded by this. */
    long lastSequence;
    /** GPU uuid → the latest device report frame this writer wrote; guarded by this. */
    final Map<String, byte[]> latestReportFrames = new LinkedHashMap<>();
    final String agentId;
    final String bootId;

    OpenWriter(Path directory, RollingRecordingWriter writer, Instant now, long lastSequence, AgentIdentity from) {
      this.directory = directory;
      this.writer = writer;
      this.lastWrite = now;
      this.lastSequence = lastSequence;
      this.agentId = from.agentId();
      this.bootId = from.bootId();
    }

    /**
     * Closes the writer and leaves its tail marker, so a restart need not decode the last segment.
     * Only a writer that wrote something knows its latest reports; one that wrote nothing leaves
     * the folder as it was (its empty segment makes the walk back cheap anyway).
     */
    synchronized void closeWithMarker() throws IOException {
      List<Path> segments = writer.segments();
      writer.close();
      if (latestReportFrames.isEmpty()) {
        return;
      }
      try {
        TailMarker.write(directory, segments.get(segments.size() - 1), agentId, bootId, lastSequence,
            latestReportFrames.values());
      } catch (IOException e) {
        log.warn("cannot leave the tail marker in {} ({}); a restart reads its last segment instead", directory,
            e.getMessage());
      }
    }
  }

  public RunRecordings(Path directory, RetentionPolicy retention, InstantSource clock) throws IOException {
    this.directory = directory;
    this.retention = retention;
    this.clock = clock;
    Files.createDirectories(directory);
    requireWritable(directory);
  }

  /**
   * Refuses a folder no file can be created in (owned by another user, a read-only mount): the
   * collector could acknowledge nothing, and each agent would resend the same frames for ever
   * while every burst failed with the same error.
   */
  private static void requireWritable(Path directory) throws IOException {
    Path probe;
    try {
      probe = Files.createTempFile(directory, ".write-probe-", "");
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(directory.toString(), null, "no file can be created in it");
    } catch (FileSystemException e) {
      throw new FileSystemException(directory.toString(), null,
          "no file can be created in it (" + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()) + ")");
    }
    Files.delete(probe);
  }

  public Path directory() {
    return directory;
  }

  @Override
  public void onRunObservation(AgentIdentity from, long sequence, Observation observation, List<String> runIds) {
    List<RunObservation> one = List.of(new RunObservation(sequence, observation, runIds));
    onRunObservations(from, one);
  }

  /**
   * One ingest burst: each observation serialized once, then one write per (run, agent) writer
   * for all of its records, instead of a write per record and run. Everything is in the kernel when
   * this returns, as with {@link #onRunObservation}.
   */
  @Override
  public void onRunObservations(AgentIdentity from, List<RunObservation> batch) {
    if (batch.isEmpty()) {
      return;
    }
    Map<WriterKey, List<SerializedObservation>> byWriter = new LinkedHashMap<>();
    // Sequence → GPU of the burst's device reports: each writer keeps its latest per GPU for its tail marker.
    Map<Long, String> reportGpus = new HashMap<>();
    for (RunObservation o : batch) {
      if (o.observation() instanceof DeviceReport report) {
        reportGpus.put(o.sequence(), report.uuid());
      }
      // The bytes as received when the ingest kept them: the same frame, without serializing it again.
      SerializedObservation bytes = new SerializedObservation(o.sequence(), o.observationFrameBytes()
          .orElseGet(() -> ObservationMapping.toFrame(o.sequence(), o.observation()).toByteArray()));
      if (o.runIds().isEmpty()) {
        byWriter.computeIfAbsent(new WriterKey(true, from.hostname(), from.agentId(), from.bootId()),
            k -> new ArrayList<>()).add(bytes);
      }
      for (String runId : o.runIds()) {
        byWriter.computeIfAbsent(new WriterKey(false, runId, from.agentId(), from.bootId()),
            k -> new ArrayList<>()).add(bytes);
      }
    }
    // Every writer is tried even after one failed: what is stored now need not be sent again.
    IOException failure = null;
    long firstUnstored = Long.MAX_VALUE;
    for (Map.Entry<WriterKey, List<SerializedObservation>> e : byWriter.entrySet()) {
      List<SerializedObservation> records = e.getValue();
      OpenWriter open;
      try {
        open = writer(e.getKey(), from);
      } catch (IOException ex) {
        failure = first(failure, ex);
        firstUnstored = Math.min(firstUnstored, records.get(0).sequence());
        continue;
      }
      WriteFailure failed = append(open, records, reportGpus);
      if (failed != null) {
        failure = first(failure, failed.cause());
        firstUnstored = Math.min(firstUnstored, failed.firstUnstored());
      }
    }
    if (failure != null) {
      long storedThrough = firstUnstored - 1;
      throw new PartlyStoredException("cannot record frames " + batch.get(0).sequence() + ".."
          + batch.get(batch.size() - 1).sequence() + " of " + from.agentId() + " in " + directory + " (stored through "
          + storedThrough + "): " + failure.getMessage(), storedThrough, failure);
    }
  }

  private static IOException first(IOException known, IOException next) {
    return known == null ? next : known;
  }

  /** A write that failed: the first record of it the folder may not hold, and why. */
  private record WriteFailure(long firstUnstored, IOException cause) {}

  /**
   * Appends the records above the folder's last sequence.
   *
   * @return null when all are stored; otherwise what failed, having dropped the writer
   */
  private WriteFailure append(OpenWriter open, List<SerializedObservation> records, Map<Long, String> reportGpus) {
    synchronized (open) {
      List<SerializedObservation> fresh = new ArrayList<>(records.size());
      for (SerializedObservation r : records) {
        if (r.sequence() > open.lastSequence) {
          fresh.add(r);
        }
      }
      if (fresh.size() < records.size()) {
        resentFramesSkipped.add(records.size() - fresh.size());
      }
      if (fresh.isEmpty()) {
        return null;
      }
      try {
        open.writer.appendAll(fresh);
        open.lastSequence = fresh.get(fresh.size() - 1).sequence();
        for (SerializedObservation r : fresh) {
          String gpu = reportGpus.get(r.sequence());
          if (gpu != null) {
            open.latestReportFrames.put(gpu, r.observationFrameBytes());
          }
        }
        return null;
      } catch (IOException e) {
        // A batch spanning segments may be written in part: what the folder holds decides.
        long held = drop(open);
        for (SerializedObservation r : fresh) {
          if (r.sequence() > held) {
            return new WriteFailure(r.sequence(), e);
          }
        }
        return null;
      }
    }
  }

  /** Closes a writer after a failed write; returns the last sequence its folder holds. */
  private long drop(OpenWriter open) {
    writers.remove(open.directory, open);
    byKey.values().removeIf(w -> w == open);
    try {
      open.writer.close();
    } catch (IOException e) {
      log.warn("closing the recording in {} after a failed write failed too: {}", open.directory, e.getMessage());
    }
    long held;
    try {
      held = RecordingTail.read(open.directory).map(RecordingTail::lastSequence).orElse(0L);
    } catch (IOException e) {
      held = open.lastSequence; // cannot tell: what was known to be written before this batch
    }
    knownLastSequences.put(open.directory, Math.max(held, open.lastSequence));
    return Math.max(held, open.lastSequence);
  }

  /**
   * Tells the recordings the last sequence each folder holds (what the collector read while
   * restoring), so a writer opened later for it skips frames already there without reading it.
   */
  public void knownLastSequences(Map<Path, Long> lastSequences) {
    lastSequences.forEach((folder, seq) -> knownLastSequences.merge(folder, seq, Math::max));
  }

  /** Frames a writer skipped because its folder already held them (an agent's re-sent burst). */
  public long resentFramesSkipped() {
    return resentFramesSkipped.sum();
  }

  /** The writer of one (run or host, agent life): looked up per frame, so no path work on a hit. */
  private record WriterKey(boolean host, String name, String agentId, String bootId) {}

  private OpenWriter writer(WriterKey key, AgentIdentity from) throws IOException {
    OpenWriter cached = byKey.get(key);
    if (cached != null && writers.get(cached.directory) == cached) {
      cached.lastWrite = clock.instant();
      cached.dirty = true;
      return cached;
    }
    OpenWriter open = writer(key.host() ? hostDirectory(key.name()) : runDirectory(key.name()), from);
    byKey.put(key, open);
    return open;
  }

  private OpenWriter writer(Path runDirectory, AgentIdentity from) throws IOException {
    // One folder per agent life: a segment carries one (agent, boot) identity for its sequences.
    Path dir = runDirectory.resolve(safeName(from.agentId()) + "_" + safeName(from.bootId()));
    OpenWriter open = writers.get(dir);
    if (open == null) {
      try {
        open = writers.computeIfAbsent(dir, d -> {
          try {
            SegmentIdentity identity = new SegmentIdentity(from.agentId(), from.bootId(), from.hostname(), clock.instant());
            long total = Math.max(retention.maxBytesPerWriter(), 2 * 4096);
            long segment = Math.max(4096, Math.min(MAX_SEGMENT_BYTES, total / 4));
            Long known = knownLastSequences.remove(d);
            // Read before the writer adds its own (empty) segment; a folder nobody told us about
            // (a test, a folder copied in) costs one tail read here.
            long lastSequence = known != null ? known
                : RecordingTail.read(d).map(RecordingTail::lastSequence).orElse(0L);
            // The writer never forces by itself: with thousands of writers an fsync on the ingest
            // thread every few seconds each would stall ingest; forceDirty() does it off that path.
            return new OpenWriter(d, new RollingRecordingWriter(d, identity,
                new RecordingLimits(total, segment, NEVER_BY_ITSELF), clock), clock.instant(), lastSequence, from);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    open.lastWrite = clock.instant();
    open.dirty = true;
    return open;
  }

  /** The folder of one run's recording (one sub-folder per agent). */
  public Path runDirectory(String runId) {
    return directory.resolve(safeName(runId));
  }

  private Path hostDirectory(String hostname) {
    return directory.resolve("_host-" + safeName(hostname));
  }

  /**
   * A file name for an id from the network: safe characters kept, others replaced, and a short
   * hash of the original added when anything was replaced so two ids never share a folder.
   */
  static String safeName(String id) {
    StringBuilder out = new StringBuilder();
    boolean changed = id.isEmpty() || id.startsWith(".") || id.startsWith("_");
    for (char c : id.toCharArray()) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_') {
        out.append(c);
      } else {
        out.append('_');
        changed = true;
      }
    }
    if (out.length() > 80) {
      out.setLength(80);
      changed = true;
    }
    if (changed) {
      byte[] hash;
      try {
        hash = java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every JDK", e);
      }
      out.insert(0, "r").append('-').append(HexFormat.of().formatHex(hash, 0, 4));
    }
    return out.toString();
  }

  /** Every observation recorded for a run, agent by agent, in each agent's order. */
  public List<RecordedObservation> read(String runId) throws IOException {
    Path runDir = runDirectory(runId);
    List<RecordedObservation> out = new ArrayList<>();
    if (!Files.isDirectory(runDir)) {
      return out;
    }
    for (Path agentDir : listSorted(runDir)) {
      if (Files.isDirectory(agentDir)) {
        try (RecordingReader reader = RecordingReader.open(agentDir)) {
          out.addAll(reader.readAll());
          reader.problems().forEach(p -> log.warn("recording of run {}: {}", runId, p));
        }
      }
    }
    return out;
  }

  /** Bytes of all recordings on disk now. */
  public long totalBytes() {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(RunRecordings::sizeOrZero).sum();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Applies the retention policy: closes writers idle too long, deletes segments older than the
   * maximum age, then the oldest segments until the total fits. Segments of open writers are left to
   * their writer's own bound.
   *
   * @return the number of segment files deleted
   */
  public int sweep() throws IOException {
    Instant now = clock.instant();
    for (var entry : writers.entrySet()) {
      if (Duration.between(entry.getValue().lastWrite, now).compareTo(retention.idleWriterTimeout()) > 0
          && writers.remove(entry.getKey(), entry.getValue())) {
        byKey.values().removeIf(w -> w == entry.getValue());
        synchronized (entry.getValue()) {
          knownLastSequences.merge(entry.getKey(), entry.getValue().lastSequence, Math::max);
        }
        entry.getValue().closeWithMarker();
      }
    }
    List<Path> deletable = new ArrayList<>();
    try (Stream<Path> files = Files.walk(directory)) {
      files.filter(Files::isRegularFile).filter(p -> !writers.containsKey(p.getParent())).forEach(deletable::add);
    }
    deletable.sort(Comparator.comparing(RunRecordings::modified));
    int deleted = 0;
    Instant oldestKept = now.minus(retention.maxAge());
    long total = totalBytes();
    for (Path p : deletable) {
      boolean tooOld = modified(p).toInstant().isBefore(oldestKept);
      if (tooOld || total > retention.maxTotalBytes()) {
        long size = sizeOrZero(p);
        Files.deleteIfExists(p);
        total -= size;
        deleted++;
      }
    }
    if (deleted > 0) {
      log.info("recording retention deleted {} segment(s); {} bytes remain", deleted, total);
    }
    return deleted;
  }

  private static List<Path> listSorted(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (NoSuchFileException e) {
      return FileTime.fromMillis(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long sizeOrZero(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Forces every writer written since the last call to the device. A SIGKILL of the collector loses
   * nothing without this (each record is in the kernel when {@link #onRunObservation} returns);
   * this bounds what a power loss or kernel crash can take to the interval between calls.
   *
   * @return the number of writers forced
   */
  public int forceDirty() {
    int forced = 0;
    for (var entry : writers.entrySet()) {
      OpenWriter open = entry.getValue();
      if (open.dirty) {
        open.dirty = false;
        try {
          open.writer.force();
          forced++;
        } catch (IOException e) {
          open.dirty = true;
          log.warn("cannot force the recording in {} to disk: {}", entry.getKey(), e.getMessage());
        }
      }
    }
    return forced;
  }

  /** Forces and closes every open writer. */
  @Override
  public void close() throws IOException {
    IOException first = null;
    for (var entry : writers.entrySet()) {
      try {
        entry.getValue().closeWithMarker();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    writers.clear();
    byKey.clear();
    if (first != null) {
      throw first;
    }
  }
}
