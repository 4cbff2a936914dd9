package dev.headroom.collector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real headless Chromium loads the dashboard of a simulated run: the run page's charts must be
 * in the DOM and have decoded in the browser, and the alert list must be there. The screenshots
 * are kept under the module's build folder for people to look at. Skipped, saying why, only when
 * no Chromium is installed (CI installs the Debian package {@code chromium}).
 */
class DashboardBrowserTest {
  private final SimulatedFleet fleet = new SimulatedFleet();
  private HttpApiServer server;
  @TempDir Path profile;

  @BeforeEach
  void start() {
    var metrics = new CollectorMetrics(fleet.registry, fleet.alerts, () -> 0);
    server = HttpApiServer.start(new InetSocketAddress("127.0.0.1", 0),
        new DashboardRoutes(fleet.registry, fleet.alerts, metrics));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static Optional<Path> chromium() {
    return Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
        .map(Path::of).filter(Files::isExecutable).findFirst();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.address().getPort() + path;
  }

  private String run(Path browser, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
        "--user-data-dir=" + profile, "--virtual-time-budget=4000"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium finished within 60 s").isTrue();
    return new String(out, StandardCharsets.UTF_8);
  }

  @Test
  void runPageShowsDecodedChartsAndTheAlertList() throws Exception {
    Optional<Path> browser = chromium();
    assumeTrue(browser.isPresent(), "no chromium installed (apt-get install -y chromium); CI installs it");
    String runPath = "/runs/" + Paths.segment(SimulatedFleet.RUN);

    String dom = run(browser.get(), "--dump-dom", url(runPath));
    assertThat(dom).contains("<img class=\"chart\"");
    assertThat(dom).as("the chart image decoded in the browser").contains("data-loaded=\"yes\"");
    assertThat(dom).contains("id=\"alerts\"", "class=\"alert severity-critical\"", "GPU 0 at 93 % of usable memory");

    Path out = Path.of(System.getProperty("headroom.testOutput", System.getProperty("java.io.tmpdir")), "dashboard");
    Files.createDirectories(out);
    Path shot = out.resolve("run-view.png");
    Files.deleteIfExists(shot);
    run(browser.get(), "--screenshot=" + shot, "--window-size=1100,1300", url(runPath));
    assertThat(shot).exists();
    assertThat(ImageIO.read(shot.toFile()).getWidth()).isEqualTo(1100);
  }

  @Test
  void fleetPageListsRunsAndGpusAndItsScriptRedrawsThemFromTheApi() throws Exception {
    Optional<Path> browser = chromium();
    assumeTrue(browser.isPresent(), "no chromium installed (apt-get install -y chromium); CI installs it");
    String dom = run(browser.get(), "--dump-dom", url("/"));
    assertThat(dom).contains("mistral-7b-full", "class=\"level-danger\"", "GPU-idle");
    assertThat(dom).as("the page's script fetched /api/runs and redrew the table").contains("data-polled=\"20");
    Path out = Path.of(System.getProperty("headroom.testOutput", System.getProperty("java.io.tmpdir")), "dashboard");
    Files.createDirectories(out);
    run(browser.get(), "--screenshot=" + out.resolve("fleet.png"), "--window-size=1100,900", url("/"));
    assertThat(out.resolve("fleet.png")).exists();
  }
}
