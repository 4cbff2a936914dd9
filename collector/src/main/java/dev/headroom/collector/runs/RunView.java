package dev.headroom.collector.runs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A run at one moment: an immutable copy, safe to render while observations keep arriving.
 *
 * @param runId the declared run id, or {@code host:gpu-uuid:pid} when nothing declared one
 * @param hostname the node of the agent that first reported it (see {@link #hosts()} for all)
 * @param specJson the declared run spec, when one arrived
 * @param predictionError why there is no prediction although a spec arrived
 * @param lastStep the latest step mark, when the reporter sends them
 * @param gpus the GPUs the run was seen on, by index
 */
public record RunView(
    String runId,
    RunKeySource source,
    String hostname,
    RunStatus status,
    Instant startedAt,
    Instant lastSeenAt,
    Optional<String> specJson,
    Optional<PredictedPeaks> prediction,
    Optional<String> predictionError,
    OptionalLong lastStep,
    List<GpuView> gpus) {

  public RunView {
    gpus = List.copyOf(gpus);
  }

  /**
   * Every node the run was seen on, sorted: a multi-node run declared under one id on each node
   * has GPUs from all of them. The first reporting node when no GPU is known yet.
   */
  public List<String> hosts() {
    List<String> hosts = gpus.stream().map(GpuView::hostname).filter(java.util.Objects::nonNull)
        .distinct().sorted().toList();
    return hosts.isEmpty() ? List.of(hostname) : hosts;
  }

  /** The highest latest ratio over the run's GPUs: how the fleet view sorts and colours runs. */
  public double maxLastRatio() {
    return gpus.stream().mapToDouble(GpuView::lastRatio).max().orElse(0.0);
  }

  /** The worst level over the run's GPUs. */
  public GpuLevel worstLevel() {
    return gpus.stream().map(GpuView::level).max(Enum::compareTo).orElse(GpuLevel.OK);
  }
}
