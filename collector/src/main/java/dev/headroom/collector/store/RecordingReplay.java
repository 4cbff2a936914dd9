package dev.headroom.collector.store;

import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.ObservationListener;
import dev.headroom.protocol.recording.RecordedObservation;
import dev.headroom.protocol.recording.RecordingReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays recording folders into a listener, each frame once and in order: the folders of one agent
 * life (the same frame is recorded under every run it belonged to, a shared GPU) are merged by
 * sequence, and a sequence met again in another folder is skipped. Agent lives follow one another
 * in folder-name order. Holds one segment per folder of the agent life being replayed.
 */
public final class RecordingReplay {
  private static final Logger log = LoggerFactory.getLogger(RecordingReplay.class);

  /**
   * @param observations how many observations went to the listener
   * @param lastSequences per folder, the last sequence read from it
   */
  public record Replayed(long observations, Map<Path, Long> lastSequences) {}

  private RecordingReplay() {}

  private static final class Cursor {
    final Path folder;
    final RecordingReader reader;
    RecordedObservation current;

    Cursor(Path folder, RecordingReader reader) {
      this.folder = folder;
      this.reader = reader;
    }

    boolean advance() throws IOException {
      Optional<RecordedObservation> next = reader.next();
      current = next.orElse(null);
      return current != null;
    }
  }

  /**
   * Replays {@code folders} (agent-life folders, {@code <run>/<agent>_<boot>}). A folder that cannot
   * be read is logged and left out; the others go on.
   */
  public static Replayed replay(List<Path> folders, ObservationListener into) {
    Map<String, List<Path>> byAgentLife = new TreeMap<>();
    for (Path folder : folders) {
      byAgentLife.computeIfAbsent(folder.getFileName().toString(), k -> new ArrayList<>()).add(folder);
    }
    long observations = 0;
    Map<Path, Long> lastSequences = new LinkedHashMap<>();
    for (List<Path> life : byAgentLife.values()) {
      observations += replayAgentLife(life, into, lastSequences);
    }
    return new Replayed(observations, lastSequences);
  }

  private static long replayAgentLife(List<Path> folders, ObservationListener into, Map<Path, Long> lastSequences) {
    PriorityQueue<Cursor> queue = new PriorityQueue<>(
        Comparator.comparingLong((Cursor c) -> c.current.sequence()).thenComparing(c -> c.folder));
    List<Cursor> open = new ArrayList<>();
    long replayed = 0;
    try {
      for (Path folder : folders) {
        try {
          Cursor c = new Cursor(folder, RecordingReader.open(folder));
          open.add(c);
          if (c.advance()) {
            queue.add(c);
          }
        } catch (IOException | RuntimeException e) {
          log.error("cannot replay the recording in {} ({}); its run keeps what the catalog has", folder, e.toString());
        }
      }
      long lastEmitted = Long.MIN_VALUE;
      while (!queue.isEmpty()) {
        Cursor c = queue.poll();
        RecordedObservation r = c.current;
        lastSequences.merge(c.folder, r.sequence(), Math::max);
        if (r.sequence() != lastEmitted) {
          lastEmitted = r.sequence();
          var source = r.source();
          try {
            into.onObservation(new AgentIdentity(source.agentId(), source.bootId(), source.hostname(), "recorded"),
                r.sequence(), r.observation());
            replayed++;
          } catch (RuntimeException e) {
            // One frame the registry cannot take must not cost the rest of the recording.
            log.error("cannot replay frame {} of {} at byte {}: {}", r.sequence(), r.file(), r.byteOffset(),
                e.toString());
          }
        }
        try {
          if (c.advance()) {
            queue.add(c);
          }
        } catch (IOException | RuntimeException e) {
          log.error("replay of {} stopped at sequence {} ({})", c.folder, r.sequence(), e.toString());
        }
      }
    } finally {
      for (Cursor c : open) {
        c.reader.problems().forEach(p -> log.warn("while replaying {}: {}", c.folder, p));
        try {
          c.reader.close();
        } catch (IOException e) {
          log.warn("closing the recording in {} failed: {}", c.folder, e.toString());
        }
      }
    }
    return replayed;
  }
}
