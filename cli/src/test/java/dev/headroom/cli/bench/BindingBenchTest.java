package dev.headroom.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.cli.Headroom;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `headroom bench binding` builds the fake library from the jar's source and prints two figures. */
class BindingBenchTest {

  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = Headroom.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void printsTheSnapshotCostAndGarbageBesideTheirBaselines() {
    Run r = run("bench", "binding", "--snapshots", "1000", "--rounds", "1");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .startsWith("{\"bench\":\"binding\",\"figure\":\"snapshot_ns\",\"value\":")
        .contains("\"baseline\":\"c_loop_same_fake_calls_ns\"", "\"target\":10000", "\"nvlinks\":4");
    assertThat(lines.get(1))
        .startsWith("{\"bench\":\"binding\",\"figure\":\"garbage_bytes_per_snapshot\",\"value\":")
        .contains("\"baseline\":\"returned_records_bytes\"", "\"target\":1024");
    assertThat(number(lines.get(0), "baseline_value")).as("the C loop ran and took time").isPositive();
    assertThat(number(lines.get(1), "value")).as("a snapshot returns records, so it allocates").isPositive();
  }

  @Test
  void aMissingCompilerIsAClearUsageError() {
    Run r = run("bench", "binding", "--cc", "/nonexistent/cc", "--snapshots", "1000");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("needs a C compiler", "/nonexistent/cc", "apt-get install gcc");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void outOfRangeOptionsNameTheOption() {
    Run r = run("bench", "binding", "--nvlinks", "99");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--nvlinks must be between 0 and 36, got 99");
  }

  @Test
  void theRecordsBaselineCopiesEveryValue() throws Exception {
    var snapshot = new dev.headroom.nvml.DeviceSnapshot("GPU-x", java.time.Instant.EPOCH,
        new dev.headroom.nvml.MemoryReading(10, 1, 2, 7), java.util.Optional.empty(), List.of(),
        java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
        java.util.OptionalInt.of(40), OptionalLong.of(5), OptionalLong.empty());
    assertThat(BindingBench.copyOf(snapshot)).isEqualTo(snapshot).isNotSameAs(snapshot);
  }

  static long number(String json, String key) {
    String marker = "\"" + key + "\":";
    int at = json.indexOf(marker) + marker.length();
    int end = at;
    while (end < json.length() && "0123456789.-".indexOf(json.charAt(end)) >= 0) {
      end++;
    }
    return Math.round(Double.parseDouble(json.substring(at, end)));
  }
}
