package dev.headroom.cli;

import static dev.headroom.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.cli.CliRun.Result;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code headroom demo} in-process on the bundled fleet, compressed to 8 wall seconds (80 simulated
 * minutes): agents ship over loopback TCP to the collector, the alerts of the fleet's stories are
 * printed, the dashboard answers while it runs, and the report has its charts.
 */
class DemoCommandTest {
  private static final Pattern DASHBOARD = Pattern.compile("dashboard: (http://127\\.0\\.0\\.1:\\d+/)");

  @TempDir Path dir;

  /** The demo sends logs to a file beside the report unless told where; here they stay on stderr. */
  @BeforeAll
  static void keepLogsOnStderr() {
    if (System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
      System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }
  }


  @Test
  void playsTheFleetOverLoopbackRaisesItsAlertsServesTheDashboardAndWritesTheReport() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path report = dir.resolve("demo.html");
    CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
      CommandLine cl = Headroom.newCommandLine();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      return cl.execute("demo", "--duration", "8", "--speed", "600", "--no-browser", "--report", report.toString());
    });

    // While it runs: the printed dashboard URL answers, and the API already knows the fleet's runs.
    String url = awaitDashboardUrl(out, status);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).contains("text/html"));
    String runs = awaitRunsInApi(http, url + "api/runs", status);
    assertThat(runs).contains("llama3-8b-qlora-4090", "mistral-7b-full-ft", "llama3-70b-qlora-fsdp");

    int exit = status.get(60, TimeUnit.SECONDS);
    String printed = out.toString();
    assertThat(exit).as(err.toString()).isZero();
    assertThat(printed)
        .contains("4 agent(s), 11 simulated GPU(s)")
        .contains("ALERT danger (critical) mistral-7b-full-ft")
        .contains("CRASH mistral-7b-full-ft")
        .contains("ALERT fragmentation (warning) llama3-8b-lora-varlen")
        // Both leaking GPUs (rank 7 of the 70B job, the fragmenting LoRA) are slow leaks: either is raised
        // by simulated minute 35 or so; which one first depends on the sampling phase.
        .containsPattern("ALERT leak \\(\\w+\\) (llama3-70b-qlora-fsdp|llama3-8b-lora-varlen) on node-\\w+ \\S+ "
            + "\\[\\d+ MiB/min, time to OOM \\d+h \\d+m]")
        .contains("report: " + report.toAbsolutePath());
    // The danger came before the crash, as the story goes: in simulated time, which each line
    // carries. (A loaded machine may print an alert a poll later than a crash raised after it.)
    assertThat(simulatedSecondsOf(printed, "ALERT danger (critical) mistral"))
        .isLessThan(simulatedSecondsOf(printed, "CRASH mistral"));
    // The last table: the healthy QLoRA ends near its prediction, the Mistral GPU as crashed.
    assertThat(lastTableLine(printed, "llama3-8b-qlora-4090")).contains("node-ws").endsWith(" ok");
    assertThat(lastTableLine(printed, "mistral-7b-full-ft")).contains("OOM crash");

    assertThat(report).isRegularFile();
    String html = Files.readString(report, StandardCharsets.UTF_8);
    List<Path> charts;
    try (Stream<Path> files = Files.list(dir.resolve("demo-charts"))) {
      charts = files.sorted().toList();
    }
    assertThat(charts).hasSize(11);
    for (Path chart : charts) {
      byte[] head = Arrays.copyOf(Files.readAllBytes(chart), 8);
      assertThat(head).as(chart.toString()).startsWith(0x89, 'P', 'N', 'G');
      assertThat(html).contains("<img src=\"demo-charts/" + chart.getFileName() + "\"");
    }
    assertThat(html).contains("mistral-7b-full-ft", "danger", "leak", "fragmentation", "died of CUDA out of memory");
  }

  @Test
  void aBadScenarioIsRefusedWithItsFileAndFieldAndStatus2() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, """
        hosts:
          - name: n1
            devices:
              - type: H100_80GB_SXM
                processes:
                  - pid: 1
                    memory:
                      - sawtooth: {period: 0s, amplitude: 1GiB}
        """);
    Result r = run("demo", "--scenario", bad.toString(), "--no-browser", "--duration", "1",
        "--report", dir.resolve("r.html").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("--scenario: " + bad, "field 'hosts[0].devices[0].processes[0].memory[0]");
    assertThat(dir.resolve("r.html")).doesNotExist();

    Result missing = run("demo", "--scenario", dir.resolve("nope.yaml").toString(), "--no-browser");
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.yaml", "no such file");
  }

  @Test
  void badDurationOrSpeedIsExplained() {
    Result zero = run("demo", "--duration", "0", "--no-browser");
    assertThat(zero.status()).isEqualTo(2);
    assertThat(zero.err()).contains("--duration must be more than 0");
    Result slow = run("demo", "--speed", "-3", "--no-browser");
    assertThat(slow.status()).isEqualTo(2);
    assertThat(slow.err()).contains("--speed must be more than 0");
    Result folder = run("demo", "--report", dir.toString(), "--no-browser");
    assertThat(folder.status()).isEqualTo(2);
    assertThat(folder.err()).contains("--report " + dir + " is a folder");
    Result hook = run("demo", "--webhook", "ftp://example/x", "--no-browser", "--duration", "1");
    assertThat(hook.status()).isEqualTo(2);
    assertThat(hook.err()).contains("--webhook 'ftp://example/x' must be an http:// or https:// URL");
  }

  @Test
  void helpExplainsEveryOption() {
    Result r = run("demo", "--help");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("--duration", "--speed", "--scenario", "--no-browser", "--report", "--keep-running",
        "--plain", "--alertmanager", "--webhook", "fleet.yaml");
  }


  private static String awaitDashboardUrl(StringWriter out, CompletableFuture<Integer> status) throws Exception {
    for (int i = 0; i < 300 && !status.isDone(); i++) {
      Matcher m = DASHBOARD.matcher(out.toString());
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no dashboard URL printed; output so far:\n" + out);
  }

  /** Polls /api/runs until the agents' first reports made it through (a few hundred ms). */
  private static String awaitRunsInApi(HttpClient http, String url, CompletableFuture<Integer> status)
      throws Exception {
    String body = "";
    for (int i = 0; i < 100 && !status.isDone(); i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      body = r.body();
      if (body.contains("llama3-70b-qlora-fsdp") && body.contains("mistral-7b-full-ft")) {
        return body;
      }
      Thread.sleep(50);
    }
    return body;
  }

  private static String lastTableLine(String printed, String runId) {
    String[] lines = printed.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (lines[i].startsWith("node-") && lines[i].contains(" " + runId + " ")) {
        return lines[i].stripTrailing();
      }
    }
    throw new AssertionError("no table line for " + runId + " in:\n" + printed);
  }

  /** The simulated time ({@code [h:mm:ss]}) of the first printed line that holds {@code event}. */
  private static long simulatedSecondsOf(String printed, String event) {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("\\[(\\d+):(\\d{2}):(\\d{2})] " + java.util.regex.Pattern.quote(event)).matcher(printed);
    assertThat(m.find()).as("a line with " + event).isTrue();
    return Long.parseLong(m.group(1)) * 3600 + Long.parseLong(m.group(2)) * 60 + Long.parseLong(m.group(3));
  }
}
