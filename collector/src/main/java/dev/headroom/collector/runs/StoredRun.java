package dev.headroom.collector.runs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the catalog keeps of one run across a restart.
 *
 * @param summary the run without its series, when it was taken from the registry itself ({@link
 *     RunRegistry#storedRuns()}); empty for a row written from a view, or by an older collector
 */
public record StoredRun(
    String runId,
    RunKeySource source,
    String hostname,
    Instant startedAt,
    Instant lastSeenAt,
    Optional<String> specJson,
    List<StoredGpu> gpus,
    Optional<RunSummary> summary) {

  public StoredRun {
    gpus = List.copyOf(gpus);
    java.util.Objects.requireNonNull(summary, "summary");
  }

  /** A run without a summary (its series and last values come back from the recordings). */
  public StoredRun(String runId, RunKeySource source, String hostname, Instant startedAt, Instant lastSeenAt,
      Optional<String> specJson, List<StoredGpu> gpus) {
    this(runId, source, hostname, startedAt, lastSeenAt, specJson, gpus, Optional.empty());
  }

  /** What to store for a run as it is now, without a summary. */
  public static StoredRun of(RunView run) {
    return new StoredRun(
        run.runId(),
        run.source(),
        run.hostname(),
        run.startedAt(),
        run.lastSeenAt(),
        run.specJson(),
        run.gpus().stream().map(StoredGpu::of).toList());
  }
}
