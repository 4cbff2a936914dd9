package dev.headroom.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.collector.runs.GpuLevel;
import dev.headroom.collector.runs.GpuView;
import dev.headroom.collector.runs.RunKeySource;
import dev.headroom.collector.runs.RunStatus;
import dev.headroom.collector.runs.RunView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The fleet page folds processes that came and went without a run; it drops none of them. */
class ShortLivedProcessesTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  /** The GPU's peak is a training job's 60 GiB beside the process: what counts is the process's own. */
  private static RunView run(String id, RunKeySource source, RunStatus status, Duration lived, long processPeakBytes) {
    long gpuPeakBytes = 60L << 30;
    GpuView gpu = new GpuView("GPU-1", "node-a", 0, "A100", 80L << 30, 79L << 30, 0, gpuPeakBytes, 0.0,
        gpuPeakBytes / (double) (79L << 30), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
        OptionalLong.empty(), 0, DeviceState.OK, GpuLevel.OK, T0.plus(lived), List.of(), List.of(),
        OptionalLong.of(processPeakBytes));
    return new RunView(id, source, "node-a", status, T0, T0.plus(lived), Optional.empty(), Optional.empty(),
        Optional.empty(), OptionalLong.empty(), List.of(gpu));
  }

  @Test
  void onlyEndedUndeclaredProcessesThatLivedUnderTheLimitAreShortLived() {
    Duration brief = Duration.ofSeconds(40);
    assertThat(ShortLivedProcesses.isShortLived(run("p", RunKeySource.PROCESS, RunStatus.ENDED, brief, 1))).isTrue();
    // Still running, declared, or long enough to be a job of its own: listed as a run.
    assertThat(ShortLivedProcesses.isShortLived(run("p", RunKeySource.PROCESS, RunStatus.ACTIVE, brief, 1))).isFalse();
    assertThat(ShortLivedProcesses.isShortLived(run("d", RunKeySource.DECLARED, RunStatus.ENDED, brief, 1))).isFalse();
    assertThat(ShortLivedProcesses.isShortLived(
        run("p", RunKeySource.PROCESS, RunStatus.ENDED, ShortLivedProcesses.LIMIT, 1))).isFalse();
  }

  @Test
  void theFleetPageListsRunsAndFoldsTheShortLivedOnesWithTheirLinks() {
    RunView training = run("llama-sft", RunKeySource.DECLARED, RunStatus.ACTIVE, Duration.ofHours(2), 58L << 30);
    RunView oldJob = run("node-a:GPU-1:4100", RunKeySource.PROCESS, RunStatus.ENDED, Duration.ofMinutes(30), 9L << 30);
    RunView eval1 = run("node-a:GPU-1:6600", RunKeySource.PROCESS, RunStatus.ENDED, Duration.ofSeconds(40), 3L << 29);
    RunView eval2 = run("node-a:GPU-1:6601", RunKeySource.PROCESS, RunStatus.ENDED, Duration.ofMillis(40_600), 3L << 29);

    String html = DashboardPages.fleet(List.of(training, oldJob, eval1, eval2), List.of(), List.of());

    String runsTable = html.substring(html.indexOf("<table id=\"runs\""), html.indexOf("<details id=\"short-lived\""));
    assertThat(runsTable).contains("llama-sft", "node-a:GPU-1:4100").doesNotContain("6600", "6601");
    String folded = html.substring(html.indexOf("<details id=\"short-lived\""), html.indexOf("</details>"));
    assertThat(folded).contains("<span class=\"count\">2</span>", "/runs/node-a%3AGPU-1%3A6600", "40 s", "1.5 GiB")
        // 40.6 s rounds as the page's script rounds it (Math.round), not truncated to 40 s.
        .contains("41 s")
        .doesNotContain("llama-sft")
        // Before: the GPU's peak, the training job's memory, shown as each eval worker's.
        .doesNotContain("60.0 GiB");
    assertThat(Json.run(eval1, false, (r, u) -> Optional.empty()).get("gpus").get(0).get("peakProcessUsedBytes")
        .asLong()).isEqualTo(3L << 29);
    // The API says which is which, so the page's script folds the same ones.
    assertThat(Json.run(eval1, false, (r, u) -> Optional.empty()).get("shortLived").asBoolean()).isTrue();
    assertThat(Json.run(training, false, (r, u) -> Optional.empty()).get("shortLived").asBoolean()).isFalse();
  }
}
