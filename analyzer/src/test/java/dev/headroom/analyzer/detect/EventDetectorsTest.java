package dev.headroom.analyzer.detect;

import static dev.headroom.analyzer.detect.TrainingTrace.GIB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.analyzer.model.XidObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventDetectorsTest {
  private final DetectorConfig config = DetectorConfig.defaults();

  private static ProcessReport process(long pid, long bytes, boolean alive) {
    return new ProcessReport(pid, Optional.empty(), Optional.empty(), Optional.empty(), Stats.of(bytes), alive);
  }

  @Test
  void memoryHeldByADeadProcessIsRaisedAfterTwoReportsAndClearsWhenFreed() {
    DeadProcessMemoryDetector detector = new DeadProcessMemoryDetector(config);
    Stats used = Stats.of(10 * GIB);
    detector.observe(Reports.at(1, used, DeviceState.OK, List.of(process(11, 4 * GIB, true), process(12, 3 * GIB, false))));
    assertThat(detector.condition()).as("a process may be mid-exit").isEmpty();

    detector.observe(Reports.at(2, used, DeviceState.OK, List.of(process(12, 3 * GIB, false))));
    var condition = detector.condition().orElseThrow();
    assertThat(condition.values()).containsEntry("heldBytes", (double) (3 * GIB)).containsEntry("firstPid", 12.0);
    assertThat(condition.explanation()).contains("3.0 GiB").contains("12");

    detector.observe(Reports.at(3, used, DeviceState.OK, List.of(process(11, 4 * GIB, true))));
    assertThat(detector.condition()).isEmpty();
  }

  @Test
  void anXidHoldsUntilAQuietPeriodPassesOnTheAgentsClock() {
    XidDetector detector = new XidDetector(config);
    detector.observe(new XidObservation("node-1", "GPU-test", 79, TrainingTrace.at(10)));
    detector.observe(new XidObservation("node-1", "GPU-test", 79, TrainingTrace.at(20)));

    var condition = detector.condition().orElseThrow();
    assertThat(condition.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(condition.values()).containsEntry("xid", 79.0).containsEntry("count", 2.0);
    assertThat(condition.explanation()).contains("fallen off the bus");

    detector.observe(Reports.peak(20 + 30 * 60 - 1, 0.5));
    assertThat(detector.condition()).as("29:59 after the last Xid").isPresent();
    detector.observe(Reports.peak(20 + 30 * 60, 0.5));
    assertThat(detector.condition()).isEmpty();
  }

  @Test
  void anApplicationXidIsAWarning() {
    XidDetector detector = new XidDetector(config);
    detector.observe(new XidObservation("node-1", "GPU-test", 31, TrainingTrace.at(10)));

    assertThat(detector.condition()).hasValueSatisfying(c -> assertThat(c.severity()).isEqualTo(Severity.WARNING));
  }

  @Test
  void aLostGpuHoldsUntilItIsReadNormallyAgain() {
    GpuLostDetector detector = new GpuLostDetector();
    detector.observe(Reports.at(1, Stats.of(0), DeviceState.LOST, List.of()));
    assertThat(detector.condition()).hasValueSatisfying(c -> assertThat(c.kind()).isEqualTo(AlertKind.GPU_LOST));

    detector.observe(Reports.at(2, Stats.of(0), DeviceState.FAILING, List.of()));
    assertThat(detector.condition()).isPresent();
    detector.observe(Reports.peak(3, 0.2));
    assertThat(detector.condition()).isEmpty();
  }

  @Test
  void anAgentIsSilentAfterThreeOfItsReportIntervalsWithoutAFrame() {
    SilenceDetector detector = new SilenceDetector(config, "node-1");
    Instant t0 = TrainingTrace.at(0);
    assertThat(detector.condition(t0.plusSeconds(3600))).as("never heard from").isEmpty();

    detector.frame(t0, Optional.of(Duration.ofSeconds(5)));
    assertThat(detector.condition(t0.plusSeconds(15))).isEmpty();
    var condition = detector.condition(t0.plusMillis(15_001)).orElseThrow();
    assertThat(condition.values()).containsEntry("reportIntervalSeconds", 5.0);
    assertThat(condition.explanation()).contains("node-1");

    detector.frame(t0.plusSeconds(16), Optional.empty());
    assertThat(detector.condition(t0.plusSeconds(30))).as("frame came back; interval kept at 5 s").isEmpty();
  }

  @Test
  void aShortReportAsTheAgentStopsDoesNotShortenTheAllowedSilence() {
    SilenceDetector detector = new SilenceDetector(config, "node-1");
    for (int s = 1; s <= 5; s++) {
      detector.frame(TrainingTrace.at(s), Optional.of(Duration.ofSeconds(1)));
    }
    // The agent flushes what its open interval holds when it stops: 74 ms.
    detector.frame(TrainingTrace.at(5).plusMillis(74), Optional.of(Duration.ofMillis(74)));

    assertThat(detector.allowedSilence()).isEqualTo(Duration.ofSeconds(3));
    assertThat(detector.condition(TrainingTrace.at(7))).as("2 s after the last frame").isEmpty();
    var condition = detector.condition(TrainingTrace.at(9)).orElseThrow();
    assertThat(condition.values()).containsEntry("reportIntervalSeconds", 1.0);
    assertThat(condition.explanation()).contains("3 report intervals of 1 s allowed");
  }

  @Test
  void aShorterCadenceIsLearntOnceTheLongerIntervalsAgeOut() {
    SilenceDetector detector = new SilenceDetector(config, "node-1");
    detector.frame(TrainingTrace.at(0), Optional.of(Duration.ofSeconds(2)));
    for (int i = 1; i < SilenceDetector.INTERVAL_WINDOW; i++) {
      detector.frame(TrainingTrace.at(i), Optional.of(Duration.ofMillis(500)));
    }
    assertThat(detector.allowedSilence()).as("the 2 s interval is still among the recent ones")
        .isEqualTo(Duration.ofSeconds(6));

    detector.frame(TrainingTrace.at(10), Optional.of(Duration.ofMillis(500)));
    assertThat(detector.allowedSilence()).isEqualTo(Duration.ofMillis(1500));
    assertThat(detector.condition(TrainingTrace.at(12)).orElseThrow().explanation())
        .contains("for 2 s (3 report intervals of 0.5 s allowed)");
  }

  @Test
  void anAgentRestoredAfterACollectorRestartIsJudgedFromStartUpAndToldSinceItsLastReport() {
    SilenceDetector detector = new SilenceDetector(config, "node-1");
    Instant lastSeen = TrainingTrace.at(0);
    Instant startUp = lastSeen.plus(Duration.ofHours(2));
    detector.restored(lastSeen, startUp, Duration.ofSeconds(5));

    assertThat(detector.allowedSilence()).isEqualTo(Duration.ofSeconds(15));
    assertThat(detector.condition(startUp.plusSeconds(15))).as("two hours down, but only 15 s since start-up").isEmpty();
    var condition = detector.condition(startUp.plusSeconds(16)).orElseThrow();
    assertThat(condition.values()).containsEntry("silentSeconds", 7_216.0)
        .containsEntry("lastSeenEpochSeconds", (double) lastSeen.getEpochSecond());
    assertThat(condition.explanation())
        .contains("since " + lastSeen + ", before the collector restarted, nor in the 16 s since (3 report intervals of 5 s allowed)");

    detector.frame(startUp.plusSeconds(20), Optional.empty());
    var later = detector.condition(startUp.plusSeconds(40)).orElseThrow();
    assertThat(later.values()).as("a frame after the restart: silence counts from it").containsEntry("silentSeconds", 20.0)
        .doesNotContainKey("lastSeenEpochSeconds");
  }

  @Test
  void untilReportsTellTheIntervalTheDefaultOfOneSecondIsAssumed() {
    SilenceDetector detector = new SilenceDetector(config, "node-1");
    detector.frame(TrainingTrace.at(0), Optional.empty());

    assertThat(detector.allowedSilence()).isEqualTo(Duration.ofSeconds(3));
    assertThat(detector.condition(TrainingTrace.at(4))).isPresent();
  }
}
