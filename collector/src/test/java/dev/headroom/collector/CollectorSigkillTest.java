package dev.headroom.collector;

import static dev.headroom.collector.testing.Observations.GIB;
import static dev.headroom.collector.testing.Observations.T0;
import static dev.headroom.collector.testing.Observations.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.collector.runs.PredictedPeaks;
import dev.headroom.collector.runs.TimedBytes;
import dev.headroom.collector.testing.AckingAgent;
import dev.headroom.collector.testing.CollectorProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart proof, with a real SIGKILL: a collector in a child JVM takes frames from an
 * agent over the real ingest protocol and is killed mid-stream. A new collector on the same data
 * folder has every acknowledged frame, the run and the alert history, tells the agent where to
 * resume, and ends up with each frame exactly once after the agent replays the rest.
 */
class CollectorSigkillTest {
  private static final String RUN = "sigkill-run";
  private static final String GPU = "GPU-5191c111-0000-0000-0000-000000000001";
  private static final int FRAMES = 400;
  /** What the agent sends to the first collector; it is killed once half of that is acknowledged. */
  private static final int FIRST_LIFE_FRAMES = 250;

  @TempDir Path dataDir;

  private static Observation frame(long sequence) {
    if (sequence == 1) {
      return new RunSpecDeclared(T0, RUN, 0, "{\"model\":\"mistral-7b\"}");
    }
    // From frame 30 on the GPU is above 90 % of its usable 79 GiB: a danger alert.
    long used = sequence < 30 ? 40 * GIB : 75 * GIB;
    return report("node-k", GPU, 0, at(sequence), new Stats(used, used + (sequence % 3) * 1024, used), 777);
  }

  private static Instant at(long sequence) {
    return T0.plusSeconds(sequence);
  }

  @Test
  void noAcknowledgedFrameIsLostAndNoneIsStoredTwice() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
        CollectorProcess.class.getName(), dataDir.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    long acked = 0;
    try {
      var stdout = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line;
      do {
        line = stdout.readLine();
      } while (line != null && !line.startsWith("ingest "));
      assertThat(line).as("the child collector started").isNotNull();
      int port = Integer.parseInt(line.substring("ingest ".length()).trim());

      try (AckingAgent agent = new AckingAgent(new InetSocketAddress("127.0.0.1", port), "agent-k", "boot-k", "node-k")) {
        Thread sender = new Thread(() -> {
          try {
            for (long s = 1; s <= FIRST_LIFE_FRAMES; s++) {
              agent.send(s, frame(s));
            }
          } catch (java.io.IOException expectedWhenKilled) {
            // the collector died under us
          }
        });
        sender.start();
        while (acked < FIRST_LIFE_FRAMES / 2) {
          long a = agent.nextAck();
          assertThat(a).as("ack before the kill").isPositive();
          acked = Math.max(acked, a);
        }
        child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, nothing flushed or closed
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        for (long a; (a = agent.nextAck()) > 0; ) {
          acked = Math.max(acked, a); // acks that were already on the wire
        }
        sender.join(20_000);
      }
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).isEqualTo(137);

    try (Collector restarted = Collector.start(CollectorProcess.config(dataDir),
        spec -> PredictedPeaks.of(74 * GIB, 66 * GIB, 70 * GIB, "test"), Clock.systemUTC())) {
      List<TimedBytes> used = restarted.registry().series(RUN, GPU).orElseThrow().usedBytes();
      assertThat(used.size()).as("every acknowledged report is back").isGreaterThanOrEqualTo((int) acked - 1);
      for (long s = 2; s <= acked; s++) {
        Instant expected = at(s);
        assertThat(used).as("report %d", s).anyMatch(p -> p.at().equals(expected));
      }
      assertThat(restarted.registry().run(RUN).orElseThrow().prediction()).isPresent();
      assertThat(restarted.catalog().recentAlerts(20)).extracting(a -> a.kind()).contains(AlertKind.DANGER);

      try (AckingAgent agent = new AckingAgent(restarted.ingestAddress(), "agent-k", "boot-k", "node-k")) {
        long resume = agent.resumeAfter();
        assertThat(resume).as("the collector tells the agent what it already has").isGreaterThanOrEqualTo(acked);
        // The agent replays from its own last ack, a window the collector partly has already:
        // those frames must be dropped as duplicates, not stored twice.
        for (long s = Math.max(1, acked - 50); s <= FRAMES; s++) {
          agent.send(s, frame(s));
        }
        long last = 0;
        while (last < FRAMES) {
          last = agent.nextAck();
          assertThat(last).isPositive();
        }
      }
      used = restarted.registry().series(RUN, GPU).orElseThrow().usedBytes();
      assertThat(used).hasSize(FRAMES - 1);
      assertThat(used).extracting(TimedBytes::at).doesNotHaveDuplicates();
    }
  }
}
