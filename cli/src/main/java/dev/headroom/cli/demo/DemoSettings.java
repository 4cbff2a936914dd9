package dev.headroom.cli.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code headroom demo} was asked for, checked.
 *
 * @param scenario the fleet to play
 * @param pace speed and wall duration
 * @param openBrowser whether to try to open the dashboard
 * @param reportFile the HTML report; its charts go in a folder beside it
 * @param keepRunning leave everything (and the dashboard) running after the report, until Ctrl-C
 * @param ansi redraw the view in place (a terminal) rather than print plain periodic lines
 * @param plainEvery how often plain mode prints the table
 * @param version written into the agents' hellos
 */
public record DemoSettings(
    DemoScenario scenario,
    DemoPace pace,
    boolean openBrowser,
    Path reportFile,
    boolean keepRunning,
    boolean ansi,
    Duration plainEvery,
    String version) {

  public DemoSettings {
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(pace, "pace");
    Objects.requireNonNull(reportFile, "reportFile");
    Objects.requireNonNull(plainEvery, "plainEvery");
    Objects.requireNonNull(version, "version");
  }
}
