package dev.headroom.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.cli.UserInputException;
import dev.headroom.collector.AcceptedFrame;
import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.Collector;
import dev.headroom.collector.CollectorConfig;
import dev.headroom.collector.runs.RunPredictor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code headroom bench restore}: how long a collector takes to start on a data folder holding many
 * ended runs, beside the same start on the same folder with the runs' summaries removed from the
 * catalog (what a collector without summaries does: replay every recording), measured in the same
 * run. The folder is generated first through a real collector (frames recorded as ingest records
 * them), in a temporary directory that is deleted afterwards.
 */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    header = "Collector start-up on many retained ended runs, beside a full replay of their recordings.",
    description =
        "Records --runs ended runs of --frames frames each through a real collector, then times"
            + " Collector.start on that data folder (ended runs come back from their catalog summary)"
            + " beside the same start after the summaries were removed (every recording replayed)."
            + " Also times reading one run's series on its first view. One JSON line per figure.")
public final class RestoreBench implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  private static final long GIB = 1L << 30;
  private static final int BURST = 512;

  @Option(names = "--runs", paramLabel = "N", defaultValue = "100",
      description = "Ended runs in the data folder (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--frames", paramLabel = "N", defaultValue = "2000",
      description = "Frames recorded per run, one device report each (default: ${DEFAULT-VALUE}).")
  int frames;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
      description = "Measured rounds of each start; the best is reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    if (runs < 1 || runs > 100_000 || frames < 2 || frames > 10_000_000 || rounds < 1) {
      throw new UserInputException("--runs must be 1..100000, --frames 2..10000000 and --rounds at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    Path dir = null;
    try {
      dir = Files.createTempDirectory("headroom-bench-restore");
      populate(dir);
      long recordingBytes = bytesUnder(dir.resolve("recordings"));
      long bestStart = Long.MAX_VALUE;
      long bestBaseline = Long.MAX_VALUE;
      long firstSeries = Long.MAX_VALUE;
      long fromMemory = Long.MAX_VALUE;
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        try (Collector c = Collector.start(config(dir), RunPredictor.NONE, Clock.systemUTC())) {
          bestStart = Math.min(bestStart, System.nanoTime() - t0);
          long t1 = System.nanoTime();
          c.registry().series(runId(0), gpu(0)).orElseThrow();
          firstSeries = Math.min(firstSeries, System.nanoTime() - t1);
        }
        stripSummaries(dir);
        long t2 = System.nanoTime();
        try (Collector c = Collector.start(config(dir), RunPredictor.NONE, Clock.systemUTC())) {
          bestBaseline = Math.min(bestBaseline, System.nanoTime() - t2);
          long t3 = System.nanoTime();
          c.registry().series(runId(0), gpu(0)).orElseThrow();
          fromMemory = Math.min(fromMemory, System.nanoTime() - t3);
        } // its close writes the summaries again for the next round
      }
      out.println(figure("start_millis", recordingBytes, bestStart, bestBaseline));
      out.println(figure("first_series_millis", recordingBytes, firstSeries, fromMemory));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (dir != null) {
        deleteQuietly(dir);
      }
    }
  }

  private ObjectNode figure(String name, long recordingBytes, long headroomNanos, long baselineNanos) {
    ObjectNode o = JSON.createObjectNode();
    o.put("bench", "restore");
    o.put("figure", name);
    o.put("runs", runs);
    o.put("frames_per_run", frames);
    o.put("recording_bytes", recordingBytes);
    o.put("headroom", Math.round(headroomNanos / 1e5) / 10.0);
    o.put("baseline_full_replay", Math.round(baselineNanos / 1e5) / 10.0);
    o.put("ratio_to_baseline", baselineNanos == 0 ? 0 : Math.round(headroomNanos * 100.0 / baselineNanos) / 100.0);
    return o;
  }

  private static CollectorConfig config(Path dir) {
    CollectorConfig c = CollectorConfig.defaults(dir)
        .withListen(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0));
    return new CollectorConfig(c.ingestListen(), c.httpListen(), c.token(), c.dataDir(), c.webhooks(),
        c.alertmanager(), c.registryPolicy(), c.detectors(), c.retention(), Duration.ofHours(1));
  }

  private static String runId(int r) {
    return "bench-run-" + r;
  }

  private static String gpu(int r) {
    return String.format("GPU-%08x-0000-0000-0000-000000000000", r);
  }

  /** Each run: one agent declares it, reports its GPU {@code frames - 2} times, then once without it. */
  private void populate(Path dir) throws IOException {
    try (Collector c = Collector.start(config(dir), RunPredictor.NONE, Clock.systemUTC())) {
      for (int r = 0; r < runs; r++) {
        AgentIdentity agent = new AgentIdentity("bench-agent-" + r, "boot-1", "node-" + (r % 16), "bench");
        List<AcceptedFrame> burst = new ArrayList<>(BURST);
        burst.add(new AcceptedFrame(1, new RunSpecDeclared(T0, runId(r), 0, "{}")));
        for (int s = 2; s <= frames; s++) {
          boolean last = s == frames;
          long used = (20 + (s % 40)) * GIB;
          burst.add(new AcceptedFrame(s, report(agent.hostname(), gpu(r), T0.plusSeconds(5L * s), used, last)));
          if (burst.size() == BURST || last) {
            c.registry().onObservations(agent, List.copyOf(burst));
            burst.clear();
          }
        }
      }
    }
  }

  private static DeviceReport report(String host, String uuid, Instant at, long used, boolean processGone) {
    List<ProcessReport> processes = processGone ? List.of()
        : List.of(new ProcessReport(4242, Optional.of("python"), Optional.empty(), Optional.empty(), Stats.of(used), true));
    return new DeviceReport(host, uuid, 0, "NVIDIA H100 80GB HBM3", at.minusSeconds(5), at, 50, DeviceState.OK,
        80 * GIB, GIB, new Stats(used - GIB, used, used), processes, Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** The baseline's catalog: no run has a summary, as a collector without them left it. */
  private static void stripSummaries(Path dir) throws IOException {
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("catalog.db").toAbsolutePath());
        var s = c.createStatement()) {
      s.executeUpdate("UPDATE runs SET summary_json = NULL");
    } catch (SQLException e) {
      throw new IOException("cannot remove the summaries from " + dir.resolve("catalog.db") + ": " + e.getMessage(), e);
    }
  }

  private static long bytesUnder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary folder: the system cleans it eventually.
    }
  }
}
