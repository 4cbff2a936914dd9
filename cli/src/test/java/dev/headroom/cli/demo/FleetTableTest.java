package dev.headroom.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertKey;
import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.collector.runs.GpuLevel;
import dev.headroom.collector.runs.GpuView;
import dev.headroom.collector.runs.PredictedPeaks;
import dev.headroom.collector.runs.RunKeySource;
import dev.headroom.collector.runs.RunStatus;
import dev.headroom.collector.runs.RunView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The live view's table from collector state, without a terminal. */
class FleetTableTest {
  private static final long GIB = 1L << 30;
  private static final Instant T = Instant.parse("2026-12-01T09:00:00Z");

  private static GpuView gpu(String host, int index, String uuid, double usedGib, double usableGib, GpuLevel level) {
    long used = Math.round(usedGib * GIB);
    long usable = Math.round(usableGib * GIB);
    return new GpuView(uuid, host, index, "NVIDIA H100 80GB HBM3", usable + GIB, usable, used, used + GIB,
        (double) used / usable, (double) (used + GIB) / usable, OptionalLong.empty(), OptionalLong.empty(),
        OptionalLong.empty(), OptionalLong.empty(), 0, DeviceState.OK, level, T, List.of(), List.of(42L));
  }

  private static RunView run(String id, RunKeySource source, RunStatus status, Optional<PredictedPeaks> prediction,
      GpuView... gpus) {
    return new RunView(id, source, gpus[0].hostname(), status, T, T, Optional.empty(), prediction, Optional.empty(),
        OptionalLong.empty(), List.of(gpus));
  }

  private static FleetTable.Snapshot snapshot(List<RunView> runs, List<Alert> alerts, List<OomWatch.Crash> crashes) {
    return new FleetTable.Snapshot("fleet", Duration.ofSeconds(16 * 60 + 40), Duration.ofHours(1), 60,
        "http://127.0.0.1:1234/", runs, alerts, crashes);
  }

  @Test
  void oneLinePerGpuSortedByHostAndIndexWithUsageBarPeakPredictionAndState() {
    GpuView h100 = gpu("node-h100", 0, "GPU-h100", 71.5, 78.8, GpuLevel.DANGER);
    GpuView dgx1 = gpu("node-dgx", 1, "GPU-d1", 22.6, 78.8, GpuLevel.OK);
    GpuView dgx0 = gpu("node-dgx", 0, "GPU-d0", 22.5, 78.8, GpuLevel.OK);
    RunView mistral = run("mistral-7b-full-ft", RunKeySource.DECLARED, RunStatus.ACTIVE,
        Optional.of(PredictedPeaks.of(80 * GIB, 70 * GIB, 75 * GIB, "tight")), h100);
    RunView fsdp = run("llama3-70b-qlora-fsdp", RunKeySource.DECLARED, RunStatus.ACTIVE, Optional.empty(), dgx1, dgx0);

    List<String> lines = FleetTable.lines(snapshot(List.of(mistral, fsdp), List.of(), List.of()), false);

    assertThat(lines.get(0)).isEqualTo("headroom demo | fleet | simulated 0:16:40 of 1:00:00 (60x speed)");
    assertThat(lines.get(1)).startsWith("HOST").contains("USED / USABLE GiB", "PEAK", "PREDICTED", "STATE");
    assertThat(lines.get(2)).startsWith("node-dgx   0 H100 80GB HBM3");
    assertThat(lines.get(3)).startsWith("node-dgx   1 H100 80GB HBM3");
    assertThat(lines.get(4)).startsWith("node-h100  0 H100 80GB HBM3   mistral-7b-full-ft")
        .contains(" 71.5 /  78.8   91% [#########.]", " 72.5 ", " 80.0 ")
        .endsWith("DANGER");
    assertThat(lines.get(2)).contains(" 29% [###.......]").endsWith(" ok");
    // Every GPU line has the same layout, so the columns line up.
    assertThat(lines.subList(2, 5)).extracting(l -> l.indexOf('[')).containsOnly(lines.get(2).indexOf('['));
    assertThat(lines.get(lines.size() - 1)).isEqualTo("dashboard: http://127.0.0.1:1234/");
  }

  @Test
  void theStateNamesACrashAndTheAlertsOfThatGpuWithTheLeaksRateAndTimeToOom() {
    GpuView rank7 = gpu("node-dgx", 7, "GPU-r7", 30.0, 78.8, GpuLevel.OK);
    GpuView rank0 = gpu("node-dgx", 0, "GPU-r0", 22.0, 78.8, GpuLevel.OK);
    RunView fsdp = run("fsdp", RunKeySource.DECLARED, RunStatus.ACTIVE, Optional.empty(), rank0, rank7);
    Alert leak = new Alert(new AlertKey(AlertKind.LEAK, "fsdp", "GPU-r7"), "node-dgx", Optional.of("GPU-r7"),
        new Condition(AlertKind.LEAK, Severity.WARNING,
            Map.of("slopeBytesPerMinute", 300.0 * (1 << 20), "timeToOomSeconds", 10_260.0), "grows", "look"),
        T, Optional.empty());
    GpuView h100 = gpu("node-h100", 0, "GPU-h100", 0, 78.8, GpuLevel.OK);
    RunView mistral = run("mistral", RunKeySource.DECLARED, RunStatus.ENDED, Optional.empty(), h100);
    OomWatch.Crash crash = new OomWatch.Crash("mistral", "node-h100", "GPU-h100", T, 78 * GIB);

    List<FleetTable.Row> rows = FleetTable.rows(snapshot(List.of(fsdp, mistral), List.of(leak), List.of(crash)));

    assertThat(rows).extracting(FleetTable.Row::state)
        .containsExactly("ok", "ok, leak 300 MiB/min, OOM in 2h 51m", "OOM crash");
    assertThat(rows.get(2).crashed()).isTrue();
  }

  @Test
  void undeclaredProcessRunsShowOnlyWhileActiveSoChurnDoesNotPileUp() {
    GpuView a100 = gpu("node-a100", 0, "GPU-a", 40, 79.2, GpuLevel.OK);
    RunView gone = run("node-a100:GPU-a:6600", RunKeySource.PROCESS, RunStatus.ENDED, Optional.empty(), a100);
    RunView live = run("node-a100:GPU-a:6601", RunKeySource.PROCESS, RunStatus.ACTIVE, Optional.empty(), a100);
    RunView declaredEnded = run("lora", RunKeySource.DECLARED, RunStatus.ENDED, Optional.empty(), a100);

    assertThat(FleetTable.rows(snapshot(List.of(gone, live, declaredEnded), List.of(), List.of())))
        .extracting(r -> r.run().runId() + " " + r.state())
        .containsExactly("lora ended", "node-a100:GPU-a:6601 ok");
  }

  @Test
  void saysSoWhileNoReportHasArrived() {
    assertThat(FleetTable.lines(snapshot(List.of(), List.of(), List.of()), false))
        .contains("(waiting for the agents' first reports)");
  }

  @Test
  void coloursTheStateOnlyWhenAsked() {
    GpuView g = gpu("n", 0, "GPU-x", 75, 78.8, GpuLevel.DANGER);
    RunView r = run("r", RunKeySource.DECLARED, RunStatus.ACTIVE, Optional.empty(), g);
    assertThat(FleetTable.lines(snapshot(List.of(r), List.of(), List.of()), true).get(2))
        .endsWith("\u001b[1;31mDANGER\u001b[0m");
  }

  @Test
  void formatsBarsClocksAndSpans() {
    assertThat(FleetTable.bar(0.0)).isEqualTo("[..........]");
    assertThat(FleetTable.bar(1.7)).isEqualTo("[##########]");
    assertThat(FleetTable.clock(Duration.ofSeconds(3 * 3600 + 62))).isEqualTo("3:01:02");
    assertThat(FleetTable.span(Duration.ofSeconds(45))).isEqualTo("45 s");
    assertThat(FleetTable.span(Duration.ofMinutes(14))).isEqualTo("14m");
    assertThat(FleetTable.shortName("NVIDIA GeForce RTX 4090")).isEqualTo("RTX 4090");
  }
}
