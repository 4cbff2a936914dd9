package dev.headroom.analyzer.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.Stats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportCadenceTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration UNKNOWN = Duration.ofDays(1);

  /** A report of {@code uuid} ending {@code endMillis} after T0 whose first sample came {@code spanMillis} before. */
  private static DeviceReport report(String uuid, long endMillis, long spanMillis) {
    Instant end = T0.plusMillis(endMillis);
    return new DeviceReport("node-1", uuid, 0, "Test GPU", end.minusMillis(spanMillis), end, 2, DeviceState.OK,
        80L << 30, 0, Stats.of(1L << 30), List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  @Test
  void theCadenceIsTheTimeBetweenReportsWithTheFirstReportsSpanAsTheFallback() {
    ReportCadence cadence = new ReportCadence();
    assertThat(cadence.known()).isFalse();
    assertThat(cadence.intervalOr(UNKNOWN)).isEqualTo(UNKNOWN);

    // 2 Hz sampling, 1 s reports: each report's span starts at its first sample, 0.5 s in.
    cadence.report("boot-1", report("GPU-0", 1_000, 500));
    assertThat(cadence.intervalOr(UNKNOWN)).as("only the span is known yet").isEqualTo(Duration.ofMillis(500));
    cadence.report("boot-1", report("GPU-1", 1_000, 500));
    cadence.report("boot-1", report("GPU-0", 2_000, 500));
    assertThat(cadence.intervalOr(UNKNOWN)).isEqualTo(Duration.ofSeconds(1));
    cadence.report("boot-1", report("GPU-1", 2_000, 500));
    assertThat(cadence.intervalOr(UNKNOWN)).as("the other GPU's report of the same instant tells nothing")
        .isEqualTo(Duration.ofSeconds(1));

    cadence.report("boot-1", report("GPU-0", 2_074, 74));
    assertThat(cadence.intervalOr(UNKNOWN)).as("the short report an agent flushes as it stops")
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aRestartedAgentsDowntimeIsNotCadence() {
    ReportCadence cadence = new ReportCadence();
    cadence.report("boot-1", report("GPU-0", 1_000, 1_000));
    cadence.report("boot-1", report("GPU-0", 2_000, 1_000));
    cadence.report("boot-2", report("GPU-0", 602_000, 1_000));
    assertThat(cadence.intervalOr(UNKNOWN)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aStallAgesOutAfterTheWindowAndARestoredIntervalCountsLikeAMeasuredOne() {
    ReportCadence cadence = new ReportCadence();
    cadence.interval(Duration.ofSeconds(10)); // as restored after a collector restart
    cadence.interval(Duration.ZERO);
    cadence.interval(Duration.ofSeconds(-1));
    for (int i = 1; i < ReportCadence.WINDOW; i++) {
      cadence.interval(Duration.ofSeconds(2));
    }
    assertThat(cadence.intervalOr(UNKNOWN)).as("zero and negative ignored; 10 s still in the window")
        .isEqualTo(Duration.ofSeconds(10));
    cadence.interval(Duration.ofSeconds(2));
    assertThat(cadence.intervalOr(UNKNOWN)).isEqualTo(Duration.ofSeconds(2));
    cadence.interval(Duration.ofSeconds(3));
    for (int i = 1; i < ReportCadence.WINDOW; i++) {
      cadence.interval(Duration.ofSeconds(1));
    }
    assertThat(cadence.intervalOr(UNKNOWN)).isEqualTo(Duration.ofSeconds(3));
    cadence.interval(Duration.ofSeconds(1));
    assertThat(cadence.intervalOr(UNKNOWN)).isEqualTo(Duration.ofSeconds(1));
  }
}
