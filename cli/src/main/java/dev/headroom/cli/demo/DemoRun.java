package dev.headroom.cli.demo;

import dev.headroom.analyzer.alert.AlertEvent;
import dev.headroom.analyzer.alert.AlertKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One demo from start to end: the fleet up, the live view for the duration, the report, and (with
 * {@code keepRunning}) the dashboard left up until stopped; the scratch folder (token, collector
 * data, agent buffers) is deleted at the end.
 */
public final class DemoRun {
  private static final Logger log = LoggerFactory.getLogger(DemoRun.class);

  /**
   * What the demo ended with.
   *
   * @param report the HTML report and its charts
   * @param raisedKinds the kinds of alert raised at least once
   * @param crashes out-of-memory crashes seen
   */
  public record Outcome(DemoReport.Written report, Set<AlertKind> raisedKinds, int crashes) {}

  private DemoRun() {}

  /**
   * Runs the demo, printing to {@code out}.
   *
   * @param stop counted down to end early (Ctrl-C, or the end of {@code keepRunning})
   * @throws IOException a port, the scratch folder or the report could not be used
   */
  public static Outcome run(DemoSettings s, PrintWriter out, CountDownLatch stop)
      throws IOException, InterruptedException {
    Path workDir = Files.createTempDirectory("headroom-demo-");
    try (DemoFleet fleet = DemoFleet.start(s.scenario().scenario(), s.pace(), workDir, s.version(),
        s.webhooks(), s.alertmanager())) {
      return play(s, fleet, workDir, out, stop);
    } finally {
      deleteQuietly(workDir);
    }
  }

  private static Outcome play(DemoSettings s, DemoFleet fleet, Path workDir, PrintWriter out, CountDownLatch stop)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + s.pace().wallDuration().toNanos();
    Duration simulatedEnd = s.scenario().scenario().startAt().toDuration().plus(s.pace().simulatedDuration());
    String name = s.scenario().scenario().name();
    LiveView view = new LiveView(out, s.ansi(), s.plainEvery(), () -> snapshot(fleet, name, simulatedEnd, s.pace()),
        fleet.simulation(), fleet.alerts(), fleet.ooms());
    view.note(String.format(Locale.ROOT,
        "headroom demo: %d agent(s), %d simulated GPU(s) from %s; %s of training in %d s (%sx speed)",
        fleet.agentCount(), fleet.gpuCount(), s.scenario().origin(), FleetTable.span(s.pace().simulatedDuration()),
        s.pace().wallDuration().toSeconds(), speed(s.pace().speed())));
    view.note("agents ship over TCP to the collector on 127.0.0.1:" + fleet.collector().ingestAddress().getPort()
        + " with the token in " + workDir.resolve("agent.token"));
    view.note("dashboard: " + fleet.dashboardUrl());
    if (s.openBrowser()) {
      BrowserLauncher.open(URI.create(fleet.dashboardUrl()))
          .ifPresent(why -> view.note("(did not open a browser: " + why + "; open the URL above yourself)"));
    }

    boolean ranFull = view.runUntil(deadline, stop);
    view.finish(); // first, so the last table shows the fleet at the end of the duration
    DemoReport.Written report = writeReport(s, fleet, simulatedEnd);
    out.println("report: " + report.html().toAbsolutePath() + " (" + report.charts().size() + " chart(s))");
    out.flush();

    if (ranFull && s.keepRunning()) {
      view.note("report: " + report.html().toAbsolutePath());
      view.note("--keep-running: the fleet and the dashboard stay up; Ctrl-C to stop");
      view.runUntil(Long.MAX_VALUE, stop);
      out.println("headroom demo stopped; the report is " + report.html().toAbsolutePath());
      out.flush();
    }
    Set<AlertKind> raised = EnumSet.noneOf(AlertKind.class);
    fleet.alerts().all().stream().filter(e -> e instanceof AlertEvent.Raised).forEach(e -> raised.add(e.alert().kind()));
    return new Outcome(report, raised, fleet.ooms().all().size());
  }

  private static DemoReport.Written writeReport(DemoSettings s, DemoFleet fleet, Duration simulatedEnd)
      throws IOException {
    fleet.collector().flush();
    try {
      return DemoReport.write(s.reportFile(), reportInput(s, fleet, simulatedEnd));
    } catch (IOException e) {
      throw new IOException("cannot write the report " + s.reportFile().toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  private static DemoReport.Input reportInput(DemoSettings s, DemoFleet fleet, Duration simulatedEnd) {
    return new DemoReport.Input(
        s.scenario().scenario().name(),
        s.scenario().origin(),
        s.pace(),
        Instant.now(),
        snapshot(fleet, s.scenario().scenario().name(), simulatedEnd, s.pace()),
        fleet.alerts().all(),
        fleet.collector().registry(),
        fleet.collector().registry().policy().dangerRatio(),
        fleet.simulation());
  }

  private static FleetTable.Snapshot snapshot(DemoFleet fleet, String name, Duration simulatedEnd, DemoPace pace) {
    var sim = fleet.simulation();
    Duration elapsed = Duration.ofNanos(Math.round(sim.secondsAt(sim.now()) * 1e9));
    return new FleetTable.Snapshot(name, elapsed, simulatedEnd, pace.speed(), fleet.dashboardUrl(),
        fleet.collector().registry().runs(), fleet.collector().alerts().activeAlerts(), fleet.ooms().all());
  }

  private static String speed(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      log.warn("could not delete the demo's scratch folder {}: {}", dir, e.getMessage());
    }
  }

}
