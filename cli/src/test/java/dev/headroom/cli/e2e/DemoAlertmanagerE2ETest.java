package dev.headroom.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.headroom.cli.Headroom;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code headroom demo --alertmanager URL}, the command users run first, delivers its danger and
 * leak alerts to a real Alertmanager, which notifies them firing and then resolved. The demo plays
 * the short {@code alert-node.yaml} (both runs end by simulated minute 24) rather than the fleet,
 * whose leaking rank would outlive any test.
 */
class DemoAlertmanagerE2ETest {
  private static final String DANGER_GPU = "GPU-e2ea1e27-0000-4000-8000-000000000001";
  private static final String LEAK_GPU = "GPU-e2ea1e27-0000-4000-8000-000000000002";

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void theDemosDangerAndLeakAlertsReachAlertmanagerAndResolve() throws Exception {
    Optional<Path> binary = Peers.alertmanagerBinary();
    assumeTrue(binary.isPresent(),
        "Alertmanager not installed: apt-get install -y prometheus-alertmanager (.ci/run installs it)");
    Path scenario = dir.resolve("alert-node.yaml");
    try (InputStream in = getClass().getResourceAsStream("alert-node.yaml")) {
      Files.copy(in, scenario);
    }
    try (NotificationReceiver receiver = new NotificationReceiver();
        ExternalPeer alertmanager = Peers.alertmanager(binary.get(), dir, Optional.of(receiver.url()))) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cl = Headroom.newCommandLine();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      Path report = dir.resolve("report").resolve("report.html");

      int status = cl.execute("demo", "--scenario", scenario.toString(), "--duration", "30", "--no-browser",
          "--plain", "--report", report.toString(), "--alertmanager", alertmanager.baseUrl().toString());

      assertThat(status).as(err.toString()).isZero();
      assertThat(report).exists();
      // Alertmanager notifies on its own 1 s group schedule: allow it a few more seconds.
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (!allNotified(receiver) && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(allNotified(receiver))
          .as("firing and resolved notifications for danger and leak; got %s%n%s", receiver.notified(),
              alertmanager.log())
          .isTrue();
    }
  }

  private static boolean allNotified(NotificationReceiver receiver) {
    return receiver.saw("firing", "HeadroomDanger", DANGER_GPU) && receiver.saw("resolved", "HeadroomDanger", DANGER_GPU)
        && receiver.saw("firing", "HeadroomLeak", LEAK_GPU) && receiver.saw("resolved", "HeadroomLeak", LEAK_GPU);
  }
}
