package dev.headroom.cli.demo;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * @param webhooks URLs that get every alert as JSON, as with {@code headroom collector --webhook}
 * @param alertmanager an Alertmanager that gets the alerts, as with {@code headroom collector --alertmanager}
 */
public record DemoSettings(
    DemoScenario scenario,
    DemoPace pace,
    boolean openBrowser,
    Path reportFile,
    boolean keepRunning,
    boolean ansi,
    Duration plainEvery,
    String version,
    List<URI> webhooks,
    Optional<URI> alertmanager) {

  public DemoSettings {
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(pace, "pace");
    Objects.requireNonNull(reportFile, "reportFile");
    Objects.requireNonNull(plainEvery, "plainEvery");
    Objects.requireNonNull(version, "version");
    webhooks = List.copyOf(webhooks);
    Objects.requireNonNull(alertmanager, "alertmanager");
  }
}
