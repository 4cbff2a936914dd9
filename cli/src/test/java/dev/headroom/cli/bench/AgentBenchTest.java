package dev.headroom.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.cli.Headroom;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The bench's output shape on a short run; the figures themselves are for the bench, not for tests. */
class AgentBenchTest {

  @Test
  void printsOneJsonLinePerFigureEachBesideItsBaseline() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Headroom.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));

    int status = cl.execute("bench", "agent", "--gpus", "2", "--rate", "50", "--seconds", "1.2");

    assertThat(status).as(err.toString()).isZero();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().strip().split("\n")) {
      lines.add(json.readTree(line));
    }
    assertThat(lines).extracting(l -> l.get("figure").asText()).containsExactly(
        "agent_threads_cpu_share_of_one_core", "process_cpu_share_of_one_core", "heap_after_gc_bytes",
        "frames_per_second");
    assertThat(lines).allSatisfy(l -> {
      assertThat(l.get("bench").asText()).isEqualTo("agent");
      assertThat(l.get("baseline").asText()).isEqualTo("same_agent_no_devices");
      assertThat(l.has("baseline_value")).isTrue();
      assertThat(l.get("gpus").asInt()).isEqualTo(2);
    });
    JsonNode frames = lines.get(3);
    // Two GPUs report once per second; the baseline has no devices and so no device reports.
    assertThat(frames.get("value").asDouble()).isGreaterThan(0.5);
    assertThat(frames.get("baseline_value").asDouble()).isZero();
    assertThat(lines.get(2).get("value").asLong()).isPositive();
  }

  @Test
  void badArgumentsAreRefusedWithStatus2() {
    CommandLine cl = Headroom.newCommandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute("bench", "agent", "--gpus", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--gpus must be 1 to 1024, got 0");
  }
}
