package dev.headroom.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertEvent;
import dev.headroom.analyzer.alert.AlertKey;
import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.collector.AgentIdentity;
import dev.headroom.nvml.sim.ManualClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The plain (not a terminal) view: events as they arrive, in simulated-time order, the table now and then. */
class LiveViewTest {
  private static final Instant ORIGIN = Instant.parse("2026-12-01T09:00:00Z");
  private final ManualClock simulation = new ManualClock(ORIGIN);
  private final AlertLog alerts = new AlertLog();
  private final OomWatch ooms = new OomWatch();
  private final StringWriter text = new StringWriter();
  private final AtomicInteger tables = new AtomicInteger();

  private LiveView view(boolean ansi) {
    return new LiveView(new PrintWriter(text, true), ansi, Duration.ofHours(1), () -> {
      tables.incrementAndGet();
      return new FleetTable.Snapshot("fleet", Duration.ofMinutes(5), Duration.ofHours(1), 60, "http://x/", List.of(),
          List.of(), ooms.all());
    }, simulation, alerts, ooms);
  }

  private static Alert danger(Instant at) {
    return new Alert(new AlertKey(AlertKind.DANGER, "mistral", "GPU-h100b2c3-0000"), "node-h100",
        Optional.of("GPU-h100b2c3-0000"), new Condition(AlertKind.DANGER, Severity.CRITICAL, Map.of(), "above 90 %",
        "lower the batch"), at, Optional.empty());
  }

  @Test
  void printsEventsInSimulatedTimeOrderAndTheTableOncePerPeriod() throws Exception {
    LiveView view = view(false);
    view.note("dashboard: http://x/");
    Alert raised = danger(ORIGIN.plus(Duration.ofMinutes(17)));
    alerts.onAlert(new AlertEvent.Raised(raised));
    alerts.onAlert(new AlertEvent.Resolved(raised.resolved(ORIGIN.plus(Duration.ofMinutes(32)))));
    // The crash at 31:38 arrives through the registry, after the resolve was queued.
    ooms.onRunObservation(new AgentIdentity("node-h100", "boot", "node-h100", "v"), 7,
        new AllocatorSample(ORIGIN.plusSeconds(1898), 3301, 0, Optional.of("GPU-h100b2c3-0000"), 70L << 30, 70L << 30,
            78L << 30, 78L << 30, 70L << 30, 0, OptionalLong.empty(), 0, 1), List.of("mistral"));

    boolean ranFull = view.runUntil(System.nanoTime() + Duration.ofMillis(350).toNanos(), new CountDownLatch(1));

    assertThat(ranFull).isTrue();
    String out = text.toString();
    assertThat(out).startsWith("dashboard: http://x/\n");
    int raisedAt = out.indexOf("[0:17:00] ALERT danger (critical) mistral on node-h100 GPU-h100b2c3: above 90 %");
    int crashAt = out.indexOf("[0:31:38] CRASH mistral on node-h100 GPU-h100b2c3");
    int resolvedAt = out.indexOf("[0:32:00] resolved danger for mistral");
    assertThat(raisedAt).isPositive();
    assertThat(crashAt).isGreaterThan(raisedAt);
    assertThat(resolvedAt).isGreaterThan(crashAt);
    // One table in 350 ms when the period is an hour: the first; events are not printed twice.
    assertThat(tables.get()).isEqualTo(1);
    assertThat(out.split("ALERT danger", -1)).hasSize(2);

    view.finish();
    assertThat(tables.get()).isEqualTo(2);
    assertThat(text.toString().split("CRASH mistral", -1)).hasSize(2);
  }

  @Test
  void stopsEarlyWhenAskedAndSaysSo() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    stop.countDown();
    assertThat(view(false).runUntil(Long.MAX_VALUE, stop)).isFalse();
  }

  @Test
  void onATerminalRedrawsInPlaceAndLeavesEveryEventOnScreenAtTheEnd() throws Exception {
    LiveView view = view(true);
    view.note("dashboard: http://x/");
    alerts.onAlert(new AlertEvent.Raised(danger(ORIGIN.plus(Duration.ofMinutes(17)))));
    view.runUntil(System.nanoTime() + Duration.ofMillis(100).toNanos(), new CountDownLatch(1));
    view.finish();
    String out = text.toString();
    assertThat(out).startsWith("\u001b[H\u001b[2J").contains("events:\n  [0:17:00] ALERT danger");
    String lastScreen = out.substring(out.lastIndexOf("\u001b[H\u001b[2J"));
    assertThat(lastScreen).contains("dashboard: http://x/", "[0:17:00] ALERT danger", "headroom demo | fleet");
  }
}
