package dev.headroom.cli.demo;

import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.runs.RunObservationListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Notices out-of-memory crashes in what reaches the collector: the last allocator sample a
 * reporter posts after an OOM carries {@code num_ooms > 0}. No alert kind says "it crashed" (the
 * danger alert said it would), so the demo watches for it to show the story's end.
 */
final class OomWatch implements RunObservationListener {

  /** One crash: the run, the GPU and when. */
  record Crash(String runId, String hostname, String gpuUuid, Instant at, long reservedBytes) {}

  private final Map<String, Crash> byGpu = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Crash> unprinted = new ConcurrentLinkedQueue<>();

  @Override
  public void onRunObservation(AgentIdentity from, long sequence, Observation observation, List<String> runIds) {
    if (!(observation instanceof AllocatorSample sample) || sample.numOoms() <= 0 || sample.uuid().isEmpty()) {
      return;
    }
    for (String runId : runIds) {
      Crash crash = new Crash(runId, from.hostname(), sample.uuid().get(), sample.at(), sample.reservedBytes());
      if (byGpu.putIfAbsent(key(runId, crash.gpuUuid()), crash) == null) {
        unprinted.add(crash);
      }
    }
  }

  Optional<Crash> crash(String runId, String gpuUuid) {
    return Optional.ofNullable(byGpu.get(key(runId, gpuUuid)));
  }

  /** Every crash seen, for the report. */
  List<Crash> all() {
    return byGpu.values().stream().sorted(Comparator.comparing(Crash::at)).toList();
  }

  /** Crashes not yet printed. */
  List<Crash> drain() {
    List<Crash> out = new ArrayList<>();
    for (Crash c = unprinted.poll(); c != null; c = unprinted.poll()) {
      out.add(c);
    }
    return out;
  }

  private static String key(String runId, String gpuUuid) {
    return runId + "\n" + gpuUuid;
  }
}
