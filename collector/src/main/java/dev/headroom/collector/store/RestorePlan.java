package dev.headroom.collector.store;

import dev.headroom.collector.runs.RunStatus;
import dev.headroom.collector.runs.RunSummary;
import dev.headroom.collector.runs.StoredRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a restarting collector reads, so that start-up costs what the live runs hold rather than
 * what retention keeps. A catalog run is restored from its summary alone ({@link #fromSummary})
 * when the summary is there, the run was not live (ended, or silent for longer than the live
 * window) and the summary covers its recording: for every agent-life folder of the run (and of the
 * process runs merged into it), the tail's last sequence is one the summary already includes.
 * Everything else is replayed as before ({@link #replayedRuns}, {@link #replayFolders}). Host
 * folders (frames of no run) are never replayed; their tails are read like those of the summarised
 * runs, for the duplicate filter and the fleet view's latest reports ({@link #tails}).
 *
 * @param fromSummary runs shown from their summary; series read when first asked for
 * @param replayedRuns runs restored from their catalog row and then from the replay
 * @param replayFolders agent-life folders replayed now
 * @param tails the tails read (every folder not replayed)
 */
public record RestorePlan(
    List<StoredRun> fromSummary, List<StoredRun> replayedRuns, List<Path> replayFolders, List<RecordingTail> tails) {
  private static final Logger log = LoggerFactory.getLogger(RestorePlan.class);
  private static final String HOST_PREFIX = "_host-";

  public RestorePlan {
    fromSummary = List.copyOf(fromSummary);
    replayedRuns = List.copyOf(replayedRuns);
    replayFolders = List.copyOf(replayFolders);
    tails = List.copyOf(tails);
  }

  /**
   * @param merges declared run id → the process runs merged into it (their folders are its own)
   * @param now the collector's clock
   * @param liveWindow a run not ended and seen within this of {@code now} is live: replayed
   */
  public static RestorePlan of(RunRecordings recordings, List<StoredRun> stored, Map<String, List<String>> merges,
      Instant now, Duration liveWindow) throws IOException {
    List<StoredRun> fromSummary = new ArrayList<>();
    List<StoredRun> replayed = new ArrayList<>();
    List<RecordingTail> tails = new ArrayList<>();
    Set<Path> claimed = new HashSet<>();
    for (StoredRun run : stored) {
      Optional<RunSummary> summary = run.summary().filter(s -> !live(s, now, liveWindow));
      if (summary.isEmpty()) {
        replayed.add(run);
        continue;
      }
      List<Path> folders = foldersOf(recordings, run.runId(), merges);
      List<RecordingTail> runTails = new ArrayList<>();
      boolean covered = true;
      for (Path folder : folders) {
        Optional<RecordingTail> tail;
        try {
          tail = RecordingTail.read(folder);
        } catch (IOException | RuntimeException e) {
          log.warn("cannot read the end of the recording in {} ({}); run {} is replayed", folder, e.toString(),
              run.runId());
          covered = false;
          break;
        }
        tail.ifPresent(runTails::add);
        if (tail.isPresent() && !summary.get().covers(tail.get().agentId(), tail.get().bootId(), tail.get().lastSequence())) {
          covered = false;
          break; // frames after the summary: the run is replayed, and these tails re-read by nobody
        }
      }
      if (covered) {
        fromSummary.add(run);
        tails.addAll(runTails);
        claimed.addAll(folders);
      } else {
        replayed.add(run);
      }
    }
    List<Path> replayFolders = new ArrayList<>();
    for (Path runDir : list(recordings.directory())) {
      boolean host = runDir.getFileName().toString().startsWith(HOST_PREFIX);
      for (Path folder : list(runDir)) {
        if (claimed.contains(folder)) {
          continue;
        }
        if (host) {
          readTail(folder).ifPresent(tails::add);
        } else {
          replayFolders.add(folder);
        }
      }
    }
    return new RestorePlan(fromSummary, replayed, replayFolders, tails);
  }

  /** A run that may still get frames: its recording is replayed now rather than on first view. */
  private static boolean live(RunSummary summary, Instant now, Duration liveWindow) {
    return summary.status() != RunStatus.ENDED && !summary.lastSeenAt().isBefore(now.minus(liveWindow));
  }

  /** The agent-life folders of a run and of the process runs merged into it. */
  public static List<Path> foldersOf(RunRecordings recordings, String runId, Map<String, List<String>> merges)
      throws IOException {
    Set<Path> folders = new LinkedHashSet<>(list(recordings.runDirectory(runId)));
    for (String from : merges.getOrDefault(runId, List.of())) {
      folders.addAll(list(recordings.runDirectory(from)));
    }
    return List.copyOf(folders);
  }

  private static Optional<RecordingTail> readTail(Path folder) {
    try {
      Optional<RecordingTail> tail = RecordingTail.read(folder);
      tail.ifPresent(t -> t.problems().forEach(p -> log.warn("while reading the end of {}: {}", folder, p)));
      return tail;
    } catch (IOException | RuntimeException e) {
      log.error("cannot read the end of the recording in {} ({})", folder, e.toString());
      return Optional.empty();
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).sorted().toList();
    }
  }
}
