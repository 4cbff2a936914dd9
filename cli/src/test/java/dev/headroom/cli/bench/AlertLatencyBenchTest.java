package dev.headroom.cli.bench;

import static dev.headroom.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.cli.CliRun.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code headroom bench alert-latency} end to end on a few alerts: frames from a real shipper go
 * through the ingest server and the engine and come back as webhooks. It checks the shape and
 * sanity of the figures, not their size (that is what the bench itself is for).
 */
class AlertLatencyBenchTest {


  @Test
  void printsP50AndP99EachBesideTheBarePostBaseline() throws Exception {
    Result r = run("bench", "alert-latency", "--alerts", "20", "--warmup", "4");

    assertThat(r.status()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2);
    ObjectMapper mapper = new ObjectMapper();
    JsonNode p50 = mapper.readTree(lines.get(0));
    JsonNode p99 = mapper.readTree(lines.get(1));
    assertThat(p50.get("bench").asText()).isEqualTo("alert-latency");
    assertThat(p50.get("figure").asText()).isEqualTo("frame_to_webhook_p50_ms");
    assertThat(p99.get("figure").asText()).isEqualTo("frame_to_webhook_p99_ms");
    assertThat(p99.get("baseline").asText()).isEqualTo("bare_http_post_round_trip_p99_ms");
    assertThat(p99.get("target").asDouble()).isEqualTo(50.0);
    assertThat(p50.get("value").asDouble()).isPositive().isLessThanOrEqualTo(p99.get("value").asDouble());
    assertThat(p50.get("baseline_value").asDouble()).isPositive();
    assertThat(p50.get("alerts").asInt()).isEqualTo(20);
  }

  @Test
  void tooFewAlertsAreRefusedWithExitStatus2() {
    Result r = run("bench", "alert-latency", "--alerts", "1");

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("--alerts must be >= 2");
  }

  @Test
  void quantilesPickTheNearestRankFromTheTop() {
    double[] values = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
    assertThat(AlertLatencyBench.quantile(values, 0.5)).isEqualTo(5);
    assertThat(AlertLatencyBench.quantile(values, 0.99)).isEqualTo(10);
    assertThat(AlertLatencyBench.quantile(new double[] {3}, 0.99)).isEqualTo(3);
  }
}
