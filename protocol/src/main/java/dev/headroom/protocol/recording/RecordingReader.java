package dev.headroom.protocol.recording;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.headroom.protocol.wire.MalformedFrameException;
import dev.headroom.protocol.wire.ObservationMapping;
import dev.headroom.protocol.wire.SequencedObservation;
import dev.headroom.protocol.wire.pb.ObservationFrame;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads every observation of a recording directory in order (segments by name, which is time
 * order; records in file order), skipping what cannot be trusted and saying so: see {@link
 * #problems()}. Holds one segment open at a time. Not thread-safe.
 *
 * <pre>{@code
 * try (RecordingReader r = RecordingReader.open(dir)) {
 *   for (RecordedObservation o : r) { ... }
 *   r.problems().forEach(p -> log.warn("skipped {}", p));
 * }
 * }</pre>
 */
public final class RecordingReader implements Iterable<RecordedObservation>, Closeable {

  private final List<Path> files;
  private final List<RecordingProblem> problems = new ArrayList<>();
  private int nextFile;
  private SegmentReader segment;
  private long offset;
  private RecordedObservation pending;

  private RecordingReader(List<Path> files) {
    this.files = files;
  }

  /** A reader over the segments now in {@code directory}. */
  public static RecordingReader open(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new NoSuchFileException(directory.toString(), null, "not a recording directory");
    }
    return new RecordingReader(segmentsIn(directory));
  }

  /** A reader over the given segment files, in the order given. */
  public static RecordingReader of(List<Path> segmentFiles) {
    return new RecordingReader(List.copyOf(segmentFiles));
  }

  /** Segment files of {@code directory}, oldest first. */
  static List<Path> segmentsIn(Path directory) throws IOException {
    try (Stream<Path> s = Files.list(directory)) {
      return s.filter(p -> p.getFileName().toString().endsWith(RecordingFormat.SEGMENT_SUFFIX))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    }
  }

  /** The next trusted observation, or empty at the end of the last segment. */
  public Optional<RecordedObservation> next() throws IOException {
    while (true) {
      if (segment == null && !openNextSegment()) {
        return Optional.empty();
      }
      SegmentReader.Result result = segment.read(offset);
      if (result instanceof SegmentReader.Record rec) {
        offset = rec.nextOffset();
        try {
          SequencedObservation so = ObservationMapping.fromFrame(ObservationFrame.parseFrom(rec.payload()));
          return Optional.of(new RecordedObservation(segment.identity(), so.sequence(), so.observation(),
              segment.path(), rec.offset()));
        } catch (InvalidProtocolBufferException | MalformedFrameException e) {
          problems.add(new RecordingProblem(segment.path(), rec.offset(), RecordingProblem.Kind.MALFORMED_RECORD,
              e.getMessage()));
        }
      } else if (result instanceof SegmentReader.Problem p) {
        problems.add(new RecordingProblem(segment.path(), p.offset(), p.kind(), p.detail()));
        if (p.nextOffset() < 0) {
          closeSegment();
        } else {
          offset = p.nextOffset();
        }
      } else {
        closeSegment();
      }
    }
  }

  /** What was skipped so far, in reading order. */
  public List<RecordingProblem> problems() {
    return List.copyOf(problems);
  }

  /** Reads everything left into a list. */
  public List<RecordedObservation> readAll() throws IOException {
    List<RecordedObservation> all = new ArrayList<>();
    for (Optional<RecordedObservation> o = next(); o.isPresent(); o = next()) {
      all.add(o.get());
    }
    return all;
  }

  /**
   * Iterates what {@link #next()} gives; an I/O error surfaces as {@link
   * java.io.UncheckedIOException}.
   */
  @Override
  public Iterator<RecordedObservation> iterator() {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        if (pending == null) {
          try {
            pending = RecordingReader.this.next().orElse(null);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
        return pending != null;
      }

      @Override
      public RecordedObservation next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        RecordedObservation o = pending;
        pending = null;
        return o;
      }
    };
  }

  private boolean openNextSegment() throws IOException {
    while (nextFile < files.size()) {
      Path p = files.get(nextFile++);
      try {
        segment = SegmentReader.open(p);
        offset = segment.firstRecordOffset();
        return true;
      } catch (SegmentReader.BadSegmentException e) {
        // The newest segment cut short inside its header is a writer killed while starting it:
        // nothing it had acknowledged is lost, as with a record cut short.
        boolean lastStarted = e.truncated() && nextFile == files.size();
        problems.add(new RecordingProblem(p, e.byteOffset(),
            lastStarted ? RecordingProblem.Kind.TORN_TAIL : RecordingProblem.Kind.BAD_HEADER,
            lastStarted ? e.getMessage() + " (its writer stopped while starting it)" : e.getMessage()));
      } catch (NoSuchFileException e) {
        // Deleted by a rolling writer since the listing: its data was dropped on purpose.
      }
    }
    return false;
  }

  private void closeSegment() throws IOException {
    segment.close();
    segment = null;
  }

  @Override
  public void close() throws IOException {
    if (segment != null) {
      closeSegment();
    }
  }
}
