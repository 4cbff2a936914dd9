package dev.headroom.collector.store;

import dev.headroom.analyzer.model.Observation;
import dev.headroom.collector.AgentIdentity;
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
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

  private static final class OpenWriter {
    final Path directory;
    final RollingRecordingWriter writer;
    volatile Instant lastWrite;
    /** Written since the last force. */
    volatile boolean dirty;

    OpenWriter(Path directory, RollingRecordingWriter writer, Instant now) {
      this.directory = directory;
      this.writer = writer;
      this.lastWrite = now;
    }
  }

  public RunRecordings(Path directory, RetentionPolicy retention, InstantSource clock) throws IOException {
    this.directory = directory;
    this.retention = retention;
    this.clock = clock;
    Files.createDirectories(directory);
  }

  public Path directory() {
    return directory;
  }

  @Override
  public void onRunObservation(AgentIdentity from, long sequence, Observation observation, List<String> runIds) {
    try {
      if (runIds.isEmpty()) {
        writer(new WriterKey(true, from.hostname(), from.agentId(), from.bootId()), from).append(sequence, observation);
        return;
      }
      for (String runId : runIds) {
        writer(new WriterKey(false, runId, from.agentId(), from.bootId()), from).append(sequence, observation);
      }
    } catch (IOException e) {
      throw new StoreException("cannot record a frame of " + from.agentId() + " in " + directory + ": " + e.getMessage(), e);
    }
  }

  /**
   * One ingest burst: each observation serialized once, then one write per (run, agent) writer
   * for all of its records, instead of a write per record and run. Everything is in the kernel when
   * this returns, as with {@link #onRunObservation}.
   */
  @Override
  public void onRunObservations(AgentIdentity from, List<RunObservation> batch) {
    Map<WriterKey, List<SerializedObservation>> byWriter = new LinkedHashMap<>();
    for (RunObservation o : batch) {
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
    try {
      for (Map.Entry<WriterKey, List<SerializedObservation>> e : byWriter.entrySet()) {
        writer(e.getKey(), from).appendAll(e.getValue());
      }
    } catch (IOException e) {
      throw new StoreException("cannot record frames of " + from.agentId() + " in " + directory + ": " + e.getMessage(), e);
    }
  }

  /** The writer of one (run or host, agent life): looked up per frame, so no path work on a hit. */
  private record WriterKey(boolean host, String name, String agentId, String bootId) {}

  private RollingRecordingWriter writer(WriterKey key, AgentIdentity from) throws IOException {
    OpenWriter cached = byKey.get(key);
    if (cached != null && writers.get(cached.directory) == cached) {
      cached.lastWrite = clock.instant();
      cached.dirty = true;
      return cached.writer;
    }
    OpenWriter open = writer(key.host() ? hostDirectory(key.name()) : runDirectory(key.name()), from);
    byKey.put(key, open);
    return open.writer;
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
            // The writer never forces by itself: with thousands of writers an fsync on the ingest
            // thread every few seconds each would stall ingest; forceDirty() does it off that path.
            return new OpenWriter(d, new RollingRecordingWriter(d, identity,
                new RecordingLimits(total, segment, NEVER_BY_ITSELF), clock), clock.instant());
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
        entry.getValue().writer.close();
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
        entry.getValue().writer.close();
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
