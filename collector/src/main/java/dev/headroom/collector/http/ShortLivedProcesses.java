package dev.headroom.collector.http;

import dev.headroom.collector.runs.RunKeySource;
import dev.headroom.collector.runs.RunStatus;
import dev.headroom.collector.runs.RunView;
import java.time.Duration;

/**
 * Which runs the fleet page folds away: processes nobody declared a run for that came and went
 * within {@link #LIMIT} (an evaluation worker started every few minutes, an {@code nvidia-smi} or
 * a profiler attaching). Each is still a run of its own, with its page, series and alerts; listed
 * one by one they would bury the training runs, so the page shows them in one collapsed list.
 */
final class ShortLivedProcesses {
  /** Longer than any helper process's life in practice, shorter than any real training run. */
  static final Duration LIMIT = Duration.ofMinutes(2);

  private ShortLivedProcesses() {}

  static boolean isShortLived(RunView run) {
    return run.source() == RunKeySource.PROCESS
        && run.status() == RunStatus.ENDED
        && Duration.between(run.startedAt(), run.lastSeenAt()).compareTo(LIMIT) < 0;
  }
}
