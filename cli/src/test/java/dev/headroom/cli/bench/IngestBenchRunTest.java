package dev.headroom.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A short run of the real bench: both paths measured, every figure printed, the collector saw every agent. */
class IngestBenchRunTest {

  @Test
  void printsTheWholeCollectorFiguresBesideTheIngestOnlyAndDecodeOnlyBaselines() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new IngestBench());
    cli.setOut(new PrintWriter(out));

    int exit = cli.execute("--agents", "20", "--seconds", "1", "--warmup-seconds", "0");

    assertThat(exit).isZero();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().strip().split("\n")) {
      lines.add(json.readTree(line));
    }
    assertThat(lines).extracting(l -> l.get("figure").asText()).containsExactly(
        "collector_device_samples_per_second", "collector_device_reports_per_second", "collector_frames_per_second",
        "collector_device_reports_per_server_cpu_second", "ingest_only_device_reports_per_second",
        "ingest_only_device_reports_per_server_cpu_second", "collector_checks");
    JsonNode samples = lines.get(0);
    JsonNode reports = lines.get(1);
    assertThat(reports.get("value").asDouble()).isPositive();
    assertThat(samples.get("value").asDouble())
        .isCloseTo(reports.get("value").asDouble() * SimulatedNode.SAMPLES_PER_REPORT,
            org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(reports.get("baseline_value").asDouble()).isPositive();
    assertThat(lines.get(4).get("baseline_value").asDouble()).isPositive();
    // Three frames per report in this mix: the frames figure says so.
    assertThat(lines.get(2).get("value").asDouble()).isGreaterThan(2.9 * reports.get("value").asDouble());
    JsonNode checks = lines.get(6);
    assertThat(checks.get("runs").asInt()).isEqualTo(20);
    assertThat(checks.get("refused_connections").asInt()).isZero();
    assertThat(checks.get("recorded_bytes").asLong()).isPositive();
  }

  @Test
  void aBadPathIsAUsageError() {
    CommandLine cli = new CommandLine(new IngestBench());
    cli.setErr(new PrintWriter(new StringWriter()));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> e instanceof dev.headroom.cli.UserInputException ? 2 : 1);

    assertThat(cli.execute("--path", "sideways")).isEqualTo(2);
  }
}
