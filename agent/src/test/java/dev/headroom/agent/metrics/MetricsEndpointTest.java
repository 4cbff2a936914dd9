package dev.headroom.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.HostMemoryReport;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.analyzer.model.XidObservation;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real scrape over a loopback socket, checked line by line and by promtool. */
class MetricsEndpointTest {
  private static final long GIB = 1L << 30;
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private final LatestObservations latest = new LatestObservations(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));
  private MetricsEndpoint endpoint;

  @BeforeEach
  void start() {
    AgentCounters counters = new AgentCounters(() -> 1234, () -> 5, () -> 9, () -> 42, () -> 3, () -> 7, () -> 2, () -> 11, () -> 4);
    endpoint = MetricsEndpoint.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new AgentMetrics(latest, counters).registry());
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  private void feed() {
    latest.accept(new DeviceReport("node-1", "GPU-aaa", 0, "NVIDIA H100 80GB HBM3", NOW.minusSeconds(1), NOW, 10,
        DeviceState.OK, 80 * GIB, GIB, new Stats(60 * GIB, 75 * GIB, 62 * GIB),
        List.of(
            new ProcessReport(4242, Optional.of("python3"), Optional.of("alice"), Optional.empty(),
                new Stats(58 * GIB, 73 * GIB, 60 * GIB), true),
            new ProcessReport(999, Optional.empty(), Optional.empty(), Optional.empty(), Stats.of(2 * GIB), false)),
        Optional.of(new Stats(80, 100, 97)), Optional.of(Stats.of(1_000_000)), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.of(Stats.of(65)), Optional.of(Stats.of(650_500))));
    latest.accept(new DeviceReport("node-1", "GPU-bbb", 1, "NVIDIA H100 80GB HBM3", NOW.minusSeconds(1), NOW, 0,
        DeviceState.FAILING, 80 * GIB, GIB, Stats.of(0), List.of(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty()));
    latest.accept(new AllocatorSample(NOW, 4242, 0, Optional.of("GPU-aaa"), 50 * GIB, 55 * GIB, 58 * GIB, 58 * GIB,
        50 * GIB, 4 * GIB, OptionalLong.of(GIB), 7, 0));
    latest.accept(new StepMark(NOW, 4242, 1200, "train"));
    latest.accept(new RunSpecDeclared(NOW, "llama3-8b", 4242, "{}"));
    latest.accept(new XidObservation("node-1", "GPU-bbb", 79, NOW));
    latest.accept(new XidObservation("node-1", "GPU-bbb", 79, NOW));
    latest.accept(new HostMemoryReport("node-1", NOW, 512 * GIB, 300 * GIB, 8 * GIB, GIB));
  }

  private HttpResponse<String> scrape(String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
        .timeout(Duration.ofSeconds(5));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return HttpClient.newHttpClient().send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aScrapeShowsTheNewestObservationsInBaseUnits() throws Exception {
    feed();
    HttpResponse<String> r = scrape(null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
    assertThat(r.body().lines()).contains(
        "# HELP headroom_gpu_memory_used_max_bytes Peak device memory used during the newest report interval.",
        "# TYPE headroom_gpu_memory_used_max_bytes gauge",
        "headroom_gpu_memory_used_max_bytes{gpu_uuid=\"GPU-aaa\"} " + (double) (75 * GIB),
        "headroom_gpu_memory_used_bytes{gpu_uuid=\"GPU-aaa\"} " + (double) (62 * GIB),
        "headroom_gpu_memory_usable_bytes{gpu_uuid=\"GPU-aaa\"} " + (double) (79 * GIB),
        "headroom_gpu_memory_used_peak_ratio{gpu_uuid=\"GPU-aaa\"} " + 75.0 / 79.0,
        "headroom_gpu_utilization_ratio{gpu_uuid=\"GPU-aaa\"} 0.97",
        "headroom_gpu_power_watts{gpu_uuid=\"GPU-aaa\"} 650.5",
        "headroom_gpu_state{gpu_uuid=\"GPU-bbb\",state=\"failing\"} 1.0",
        "headroom_gpu_state{gpu_uuid=\"GPU-bbb\",state=\"ok\"} 0.0",
        "headroom_gpu_process_memory_used_bytes{gpu_uuid=\"GPU-aaa\",pid=\"4242\",process=\"python3\"} " + (double) (60 * GIB),
        "headroom_gpu_dead_process_memory_bytes{gpu_uuid=\"GPU-aaa\"} " + (double) (2 * GIB),
        "headroom_gpu_xid_errors_total{gpu_uuid=\"GPU-bbb\",xid=\"79\"} 2.0",
        "headroom_allocator_fragmentation_ratio{cuda_device=\"0\",gpu_uuid=\"GPU-aaa\",pid=\"4242\"} " + 4.0 / 58.0,
        "headroom_allocator_alloc_retries_total{cuda_device=\"0\",gpu_uuid=\"GPU-aaa\",pid=\"4242\"} 7.0",
        "headroom_training_step{phase=\"train\",pid=\"4242\"} 1200.0",
        "headroom_run_info{pid=\"4242\",run_id=\"llama3-8b\"} 1.0",
        "headroom_host_memory_available_bytes " + (double) (300 * GIB),
        "headroom_agent_device_reads_total 1234.0",
        "headroom_agent_device_read_failures_total 5.0",
        "# HELP headroom_agent_device_partial_reads_total Successful device reads that lacked a reading other than memory (e.g. utilization answered UNKNOWN).",
        "headroom_agent_device_partial_reads_total 9.0",
        "headroom_agent_reporter_posts_total{result=\"rejected\"} 3.0",
        "headroom_agent_recording_dropped_observations_total 7.0",
        "headroom_agent_shipper_unacknowledged_frames 11.0",
        "headroom_agent_shipper_dropped_frames_total 4.0");
    // A quantity the device never gave has no series, rather than a misleading zero.
    assertThat(r.body()).doesNotContain("headroom_gpu_temperature_celsius{gpu_uuid=\"GPU-bbb\"}");
    assertThat(r.body()).doesNotContain("headroom_gpu_nvlink_transmit_bytes_per_second{");
  }

  @Test
  void openMetricsIsServedWhenAsked() throws Exception {
    feed();
    HttpResponse<String> r = scrape("application/openmetrics-text; version=1.0.0");
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/openmetrics-text"));
    assertThat(r.body()).endsWith("# EOF\n");
  }

  @Test
  void postedSeriesGoStaleWhenTheTrainingProcessStopsPosting() throws Exception {
    LatestObservations later = new LatestObservations(Clock.fixed(NOW.plus(Duration.ofMinutes(6)), ZoneOffset.UTC),
        Duration.ofMinutes(5));
    later.accept(new StepMark(NOW, 4242, 1200, "train"));
    later.accept(new StepMark(NOW.plus(Duration.ofMinutes(5)), 77, 3, "eval"));
    assertThat(later.steps()).extracting(StepMark::pid).containsExactly(77L);
  }

  @Test
  void promtoolAcceptsARealScrape() throws Exception {
    File promtool = findOnPath("promtool");
    assumeTrue(promtool != null, "promtool not on PATH (Debian package 'prometheus'); CI installs it");
    feed();
    String body = scrape(null).body();

    Process p = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
    p.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).as("promtool output").isEmpty();
    assertThat(p.exitValue()).as("promtool exit status; output:\n" + out).isZero();
  }

  @Test
  void otherPathsAre404() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("/metrics");
  }

  private static File findOnPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, name);
      if (f.canExecute()) {
        return f;
      }
    }
    return null;
  }
}
