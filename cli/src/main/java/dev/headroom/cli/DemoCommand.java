package dev.headroom.cli;

import dev.headroom.cli.demo.DemoPace;
import dev.headroom.cli.demo.DemoRun;
import dev.headroom.cli.demo.DemoScenario;
import dev.headroom.cli.demo.DemoSettings;
import dev.headroom.nvml.sim.ScenarioException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code headroom demo}: the README's first command. Wiring of {@link DemoRun}, which puts a
 * collector and one agent per simulated host in this process.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Play a simulated GPU fleet through the real agent -> collector path, with live alerts and a report.",
    description = {
      "Play a simulated GPU fleet through the real agent -> collector path: one agent per simulated host "
          + "ships over loopback TCP (with a generated token) to a collector in this process, time-compressed "
          + "(by default one simulated hour in 60 s).",
      "Shows a live view per GPU (run, used / usable, peak, predicted peak, state), prints alerts as they fire, "
          + "serves the dashboard (and opens it), and writes an HTML report with charts at the end.",
      "The default fleet (samples/scenarios/fleet.yaml, bundled in the jar too): a healthy Llama-3-8B QLoRA on a "
          + "24 GiB GPU, a Mistral-7B full fine-tune that crosses 90 %% and dies of OOM, a 70B QLoRA FSDP job with "
          + "a leaking rank, and a fragmenting allocator."
    })
final class DemoCommand implements Callable<Integer> {
  private static final double MAX_DURATION_SECONDS = 24 * 3600;
  private static final double MAX_SPEED = 100_000;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "60",
      description = "How long the demo runs, in wall-clock seconds (default: ${DEFAULT-VALUE}).")
  double durationSeconds;

  @Option(names = "--speed", paramLabel = "X", defaultValue = "60",
      description = "Simulated seconds per wall-clock second (default: ${DEFAULT-VALUE}: a simulated hour a minute).")
  double speed;

  @Option(names = "--scenario", paramLabel = "FILE",
      description = "Scenario to play (YAML or JSON, see docs/scenarios.md; default: samples/scenarios/fleet.yaml "
          + "of this checkout, else the copy bundled in the jar).")
  Path scenario;

  @Option(names = "--no-browser", description = "Do not try to open the dashboard in a browser.")
  boolean noBrowser;

  @Option(names = "--report", paramLabel = "FILE",
      description = "Where the HTML report goes; its PNG charts go in a folder FILE-without-extension-charts beside "
          + "it, the demo's log in a .log file beside it (default: headroom-demo/report.html in the temp folder).")
  Path report;

  @Option(names = "--keep-running",
      description = "After the report, keep the fleet and the dashboard running until Ctrl-C.")
  boolean keepRunning;

  @Option(names = "--alertmanager", paramLabel = "URL",
      description = "Also send the alerts to this Alertmanager (API v2), e.g. http://127.0.0.1:9093.")
  String alertmanager;

  @Option(names = "--webhook", paramLabel = "URL",
      description = "Also POST every raised and resolved alert as JSON to this URL (repeatable).")
  List<String> webhooks = new ArrayList<>();

  @Option(names = "--plain",
      description = "Print the fleet table as plain lines every few seconds instead of redrawing it "
          + "(the default when stdout is not a terminal).")
  boolean plain;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    DemoPace pace = pace();
    Path reportFile = report != null ? report : Path.of(System.getProperty("java.io.tmpdir"), "headroom-demo",
        "report.html");
    if (Files.isDirectory(reportFile)) {
      throw new UserInputException("--report " + reportFile + " is a folder; give a file name such as "
          + reportFile.resolve("report.html"));
    }
    routeLogsBeside(reportFile);
    DemoSettings settings = new DemoSettings(loadScenario(), pace, !noBrowser, reportFile, keepRunning,
        !plain && onTerminal(), Duration.ofSeconds(10), version(),
        webhooks.stream().map(w -> httpUrl("--webhook", w)).toList(),
        Optional.ofNullable(alertmanager).map(a -> httpUrl("--alertmanager", a)));

    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    // Ctrl-C: the hook asks the demo to stop and waits a moment so the report is still written.
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        finished.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "headroom-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      DemoRun.run(settings, out, stop);
    } catch (IOException e) {
      // NIO's messages are often only a path: say what kind of failure it was too.
      throw new UserInputException("demo: " + e.getMessage() + " (" + e.getClass().getSimpleName() + ")");
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down (Ctrl-C): the hook is running and has just been released.
      }
    }
    return 0;
  }

  private DemoPace pace() {
    if (!(durationSeconds > 0) || durationSeconds > MAX_DURATION_SECONDS) {
      throw new UserInputException("--duration must be more than 0 and at most 86400 seconds, got " + durationSeconds);
    }
    if (!(speed > 0) || speed > MAX_SPEED) {
      throw new UserInputException("--speed must be more than 0 and at most 100000, got " + speed);
    }
    return new DemoPace(speed, Duration.ofNanos(Math.round(durationSeconds * 1e9)));
  }

  private DemoScenario loadScenario() {
    try {
      return scenario != null ? DemoScenario.fromFile(scenario) : DemoScenario.defaultFleet(Path.of(""));
    } catch (ScenarioException e) {
      throw new UserInputException("--scenario: " + e.getMessage());
    }
  }

  /**
   * Sends this process's log lines to a file beside the report, so they do not scroll the live
   * view away. Only possible before the first logger exists, which is the case when the demo is
   * the command that runs; an explicit {@code -Dorg.slf4j.simpleLogger.logFile} wins.
   */
  private static void routeLogsBeside(Path reportFile) {
    String key = "org.slf4j.simpleLogger.logFile";
    if (System.getProperty(key) != null) {
      return;
    }
    Path dir = reportFile.toAbsolutePath().getParent();
    String name = reportFile.getFileName().toString();
    int dot = name.lastIndexOf('.');
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UserInputException("--report " + reportFile + ": cannot create " + FileSystemFailure.describe(e));
    }
    System.setProperty(key, dir.resolve((dot > 0 ? name.substring(0, dot) : name) + ".log").toString());
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
  }

  private static URI httpUrl(String option, String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new UserInputException(option + " '" + value + "' is not a URL: " + e.getMessage());
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new UserInputException(option + " '" + value + "' must be an http:// or https:// URL with a host");
    }
    return uri;
  }

  private static boolean onTerminal() {
    String term = System.getenv("TERM");
    return System.console() != null && term != null && !term.equals("dumb");
  }

  private static String version() {
    return new Headroom.Version().getVersion()[0].replace("headroom ", "");
  }
}
