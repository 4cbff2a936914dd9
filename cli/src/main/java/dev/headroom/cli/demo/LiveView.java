package dev.headroom.cli.demo;

import dev.headroom.analyzer.alert.AlertEvent;
import dev.headroom.nvml.sim.SimulationClock;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The demo's terminal output. Alerts and crashes are printed as they arrive (checked four times a
 * second). On a terminal the fleet table is redrawn in place about once a second, with the latest
 * events under it; when stdout is a file or a pipe, the table is printed as plain lines every
 * {@code plainEvery} instead, so a log of the demo stays readable.
 */
final class LiveView {
  private static final long POLL_MILLIS = 250;
  private static final long REDRAW_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int RECENT_EVENTS = 12;
  private static final String CLEAR_SCREEN = "\u001b[H\u001b[2J";

  private final PrintWriter out;
  private final boolean ansi;
  private final Duration plainEvery;
  private final Supplier<FleetTable.Snapshot> snapshots;
  private final SimulationClock simulation;
  private final AlertLog alerts;
  private final OomWatch ooms;
  private final List<String> events = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private long lastTableNanos = Long.MIN_VALUE;

  LiveView(PrintWriter out, boolean ansi, Duration plainEvery, Supplier<FleetTable.Snapshot> snapshots,
      SimulationClock simulation, AlertLog alerts, OomWatch ooms) {
    this.out = out;
    this.ansi = ansi;
    this.plainEvery = plainEvery;
    this.snapshots = snapshots;
    this.simulation = simulation;
    this.alerts = alerts;
    this.ooms = ooms;
  }

  /** A line shown above the table on every redraw (the dashboard URL, the report's path). */
  void note(String line) {
    notes.add(line);
    if (!ansi) {
      out.println(line);
      out.flush();
    }
  }

  /**
   * Shows the fleet until {@code deadlineNanos} (of {@link System#nanoTime()}) or until {@code stop}
   * is counted down, whichever comes first.
   *
   * @return false when it returned because of {@code stop}
   */
  boolean runUntil(long deadlineNanos, CountDownLatch stop) throws InterruptedException {
    while (true) {
      long now = System.nanoTime();
      List<String> fresh = takeEvents();
      boolean tableDue = lastTableNanos == Long.MIN_VALUE
          || now - lastTableNanos >= (ansi ? REDRAW_NANOS : plainEvery.toNanos());
      if (ansi) {
        if (tableDue || !fresh.isEmpty()) {
          redraw();
          lastTableNanos = now;
        }
      } else {
        fresh.forEach(out::println);
        if (tableDue) {
          printTable();
          lastTableNanos = now;
        }
        out.flush();
      }
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return true;
      }
      if (stop.await(Math.min(POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1), TimeUnit.MILLISECONDS)) {
        return false;
      }
    }
  }

  /**
   * The end: events not printed yet, then the last table. On a terminal the screen is left with
   * every event of the run, so the whole story stays in the scrollback.
   */
  void finish() {
    List<String> fresh = takeEvents();
    if (ansi) {
      out.print(CLEAR_SCREEN);
      notes.forEach(out::println);
      events.forEach(out::println);
    } else {
      fresh.forEach(out::println);
    }
    printTable();
    out.flush();
  }

  /** New alerts and crashes, in simulated-time order (they come from two queues). */
  private List<String> takeEvents() {
    List<Map.Entry<Instant, String>> fresh = new ArrayList<>();
    for (AlertEvent e : alerts.drain()) {
      Instant at = e instanceof AlertEvent.Resolved ? e.alert().resolvedAt().orElse(e.alert().raisedAt())
          : e.alert().raisedAt();
      fresh.add(Map.entry(at, AlertText.line(e, simulation)));
    }
    for (OomWatch.Crash c : ooms.drain()) {
      fresh.add(Map.entry(c.at(), AlertText.crash(c, simulation)));
    }
    fresh.sort(Map.Entry.comparingByKey());
    List<String> lines = fresh.stream().map(Map.Entry::getValue).toList();
    events.addAll(lines);
    return lines;
  }

  private void redraw() {
    StringBuilder frame = new StringBuilder(8192).append(CLEAR_SCREEN);
    for (String n : notes) {
      frame.append(n).append('\n');
    }
    for (String line : FleetTable.lines(snapshots.get(), true)) {
      frame.append(line).append('\n');
    }
    if (!events.isEmpty()) {
      frame.append('\n').append(events.size() > RECENT_EVENTS ? "latest events (all in the report):" : "events:")
          .append('\n');
      for (String e : events.subList(Math.max(0, events.size() - RECENT_EVENTS), events.size())) {
        frame.append("  ").append(e).append('\n');
      }
    }
    out.print(frame);
    out.flush();
  }

  private void printTable() {
    FleetTable.lines(snapshots.get(), false).forEach(out::println);
    out.println();
  }
}
