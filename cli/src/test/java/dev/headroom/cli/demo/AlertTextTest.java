package dev.headroom.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertEvent;
import dev.headroom.analyzer.alert.AlertKey;
import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.nvml.sim.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlertTextTest {
  private static final Instant ORIGIN = Instant.parse("2026-12-01T09:00:00Z");
  private final ManualClock simulation = new ManualClock(ORIGIN);

  private static Alert alert(AlertKind kind, Severity severity, Map<String, Double> values, Instant raisedAt) {
    String uuid = "GPU-757a1d8b-4e37-3bd4-8a62-e2c8912135c5";
    return new Alert(new AlertKey(kind, "llama3-70b-qlora-fsdp", uuid), "node-dgx", Optional.of(uuid),
        new Condition(kind, severity, values, "Baseline memory grows", "Look for tensors kept across steps"),
        raisedAt, Optional.empty());
  }

  @Test
  void aRaisedLeakCarriesSimulatedTimeRateAndTimeToOom() {
    Alert leak = alert(AlertKind.LEAK, Severity.WARNING,
        Map.of("slopeBytesPerMinute", 315.0 * (1 << 20), "timeToOomSeconds", 10_500.0), ORIGIN.plusSeconds(779));
    assertThat(AlertText.line(new AlertEvent.Raised(leak), simulation)).isEqualTo(
        "[0:12:59] ALERT leak (warning) llama3-70b-qlora-fsdp on node-dgx GPU-757a1d8b [315 MiB/min, time to OOM 2h 55m]:"
            + " Baseline memory grows. Next: Look for tensors kept across steps.");
  }

  @Test
  void explanationAndNextStepAreSeparateSentencesWithoutDoubledStops() {
    assertThat(AlertText.sentence("it will not fit")).isEqualTo("it will not fit.");
    assertThat(AlertText.sentence("Restart the run. ")).isEqualTo("Restart the run.");
    assertThat(AlertText.sentence("is it a leak?")).isEqualTo("is it a leak?");
    assertThat(AlertText.sentence("")).isEmpty();
  }

  @Test
  void aResolvedAlertIsOneShortLineAtItsResolveTime() {
    Alert danger = alert(AlertKind.DANGER, Severity.CRITICAL, Map.of(), ORIGIN.plusSeconds(1000))
        .resolved(ORIGIN.plus(Duration.ofMinutes(32)));
    assertThat(AlertText.line(new AlertEvent.Resolved(danger), simulation))
        .isEqualTo("[0:32:00] resolved danger for llama3-70b-qlora-fsdp on node-dgx GPU-757a1d8b");
  }

  @Test
  void aCrashSaysWhatTheAllocatorHeld() {
    OomWatch.Crash crash = new OomWatch.Crash("mistral-7b-full-ft", "node-h100",
        "GPU-h100b2c3-0000-4d4e-8f60-000000000002", ORIGIN.plusSeconds(1898), 78L << 30);
    assertThat(AlertText.crash(crash, simulation)).isEqualTo("[0:31:38] CRASH mistral-7b-full-ft on node-h100 "
        + "GPU-h100b2c3: the training process died of CUDA out of memory (allocator held 78.0 GiB)");
  }

  @Test
  void shortensOnlyNvmlStyleUuids() {
    assertThat(AlertText.shortUuid("GPU-h100b2c3-0000-4d4e")).isEqualTo("GPU-h100b2c3");
    assertThat(AlertText.shortUuid("agent-7")).isEqualTo("agent-7");
  }
}
