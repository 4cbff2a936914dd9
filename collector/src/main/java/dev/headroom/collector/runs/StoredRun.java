package dev.headroom.collector.runs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the catalog keeps of one run across a restart. */
public record StoredRun(
    String runId,
    RunKeySource source,
    String hostname,
    Instant startedAt,
    Instant lastSeenAt,
    Optional<String> specJson,
    List<StoredGpu> gpus) {

  public StoredRun {
    gpus = List.copyOf(gpus);
  }

  /** What to store for a run as it is now. */
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
