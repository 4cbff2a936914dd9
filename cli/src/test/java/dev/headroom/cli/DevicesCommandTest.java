package dev.headroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code headroom devices} in-process: output on simulated GPUs, exit statuses, messages. */
class DevicesCommandTest {
  static final Path SCENARIOS = Path.of("..", "samples", "scenarios");
  static final String SINGLE = SCENARIOS.resolve("single-h100.yaml").toString();
  static final String FLEET = SCENARIOS.resolve("fleet.yaml").toString();
  static final ObjectMapper JSON = new ObjectMapper();

  record Result(int status, String out, String err) {
    List<String> outLines() {
      return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }
  }

  /**
   * Runs {@code headroom devices ARGS}. The first argument must be {@code devices}; the command is
   * built alone (with the same error handler as {@link Headroom}) because building every
   * subcommand for each of the many short runs here would dominate the test's time. {@link
   * #registeredInTheHeadroomCommand} checks the real registration.
   */
  static Result run(String... args) {
    assertThat(args[0]).isEqualTo("devices");
    CommandLine cl = new CommandLine(new DevicesCommand());
    cl.setExecutionExceptionHandler(new CliErrors());
    return execute(cl, Arrays.copyOfRange(args, 1, args.length));
  }

  static Result execute(CommandLine cl, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute(args);
    return new Result(status, out.toString(), err.toString());
  }

  @Test
  void listsTheSimulatedGpuWithUsedUsableRatioAndItsProcess() {
    Result r = run("devices", "--simulate", SINGLE);
    assertThat(r.status()).isZero();
    assertThat(r.err()).isEmpty();
    List<String> lines = r.outLines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("sim-h100 (simulated: scenario 'single-h100' at 10m");
    assertThat(lines.get(1))
        .contains(" 0  NVIDIA H100 80GB HBM3")
        .contains("GPU-5b1f0c2e-8d3a-4f6b-9e21-7c4d8a1b2e30")
        .contains("/  78.80 GiB") // 81,559 MiB total − 870 MiB reserved
        .containsPattern("\\d+\\.\\d %$");
    assertThat(lines.get(2)).containsPattern("pid 4242 +python +alice +\\d+\\.\\d\\d GiB");
  }

  @Test
  void jsonHasOneObjectPerGpuWithUuidAndBytes() throws Exception {
    Result r = run("devices", "--simulate", FLEET, "--json", "--sim-start", "20m");
    assertThat(r.status()).isZero();
    List<JsonNode> gpus = new ArrayList<>();
    for (String line : r.outLines()) {
      gpus.add(JSON.readTree(line));
    }
    assertThat(gpus).hasSize(11);
    assertThat(gpus).extracting(g -> g.get("uuid").asText()).doesNotHaveDuplicates().allMatch(u -> u.startsWith("GPU-"));
    JsonNode h100 = gpus.stream().filter(g -> g.get("host").asText().equals("node-h100")).findFirst().orElseThrow();
    assertThat(h100.get("state").asText()).isEqualTo("ok");
    assertThat(h100.get("usableBytes").asLong()).isEqualTo(h100.get("totalBytes").asLong() - h100.get("reservedBytes").asLong());
    assertThat(h100.get("usedBytes").asLong()).isPositive().isLessThanOrEqualTo(h100.get("usableBytes").asLong());
    assertThat(h100.get("usedRatio").asDouble()).isBetween(0.8, 1.0);
    JsonNode proc = h100.get("processes").get(0);
    assertThat(proc.get("pid").asLong()).isEqualTo(3301);
    assertThat(proc.get("user").asText()).isEqualTo("omar");
    assertThat(proc.get("status").asText()).isEqualTo("alive");
    assertThat(proc.get("usedGpuMemoryBytes").asLong()).isEqualTo(h100.get("usedBytes").asLong());
  }

  @Test
  void simHostNarrowsToOneHost() {
    Result r = run("devices", "--simulate", FLEET, "--sim-host", "node-dgx", "--json");
    assertThat(r.status()).isZero();
    assertThat(r.outLines()).hasSize(8).allSatisfy(l -> assertThat(l).contains("\"host\":\"node-dgx\""));
    Result bad = run("devices", "--simulate", FLEET, "--sim-host", "node-zz");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("no host 'node-zz'").contains("node-dgx");
  }

  @Test
  void watchRefreshesTheGivenNumberOfTimes() {
    Result r = run("devices", "--simulate", SINGLE, "--watch", "10ms", "--count", "3", "--time-compression", "600");
    assertThat(r.status()).isZero();
    List<String> headers = r.outLines().stream().filter(l -> l.startsWith("sim-h100")).toList();
    assertThat(headers).hasSize(3).doesNotHaveDuplicates(); // the simulated time moves on: 10 ms × 600
    Result json = run("devices", "--simulate", SINGLE, "--json", "--watch=10ms", "--count", "2");
    assertThat(json.outLines()).hasSize(2);
  }

  @Test
  void lostGpuIsShownAsLostNotAsAFailure(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("lost.yaml");
    Files.writeString(file, "devices: [{type: A100_40GB, lostAt: 0s}, {type: A100_40GB}]\n");
    Result r = run("devices", "--simulate", file.toString());
    assertThat(r.status()).isZero();
    assertThat(r.outLines().get(1)).contains("LOST (GPU_IS_LOST");
    assertThat(r.outLines().get(2)).contains("/  39.15 GiB");
    Result json = run("devices", "--simulate", file.toString(), "--json");
    assertThat(json.outLines().get(0)).contains("\"state\":\"lost\"");
  }

  @Test
  void badScenarioNamesFileLineAndFieldWithStatusTwo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "devices:\n  - type: H100_80GB_SXM\n    processes:\n      - pid: 1\n        memory: [{leak: {bytesPerMinut: 1MiB}}]\n");
    Result r = run("devices", "--simulate", file.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).startsWith("headroom: " + file + ":5:").contains("unknown field 'bytesPerMinut'").doesNotContain("\tat ");
    Result missing = run("devices", "--simulate", dir.resolve("nope.yaml").toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.yaml: no such file");
  }

  @Test
  void missingDriverLibraryExitsThreeWithAMessageAndNoStackTrace() {
    Result r = run("devices", "--nvml-library", "/nonexistent/libnvidia-ml.so.1");
    assertThat(r.status()).isEqualTo(Headroom.EXIT_NO_DRIVER);
    assertThat(r.err()).startsWith("headroom: ").contains("/nonexistent/libnvidia-ml.so.1").doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void inconsistentOptionsAreUsageErrors() {
    assertThat(run("devices", "--simulate", SINGLE, "--nvml-library", "/x.so").err()).contains("exclude each other");
    assertThat(run("devices", "--count", "2", "--simulate", SINGLE).err()).contains("--count needs --watch");
    assertThat(run("devices", "--watch", "soon", "--simulate", SINGLE).err()).contains("--watch").contains("'soon'");
    assertThat(run("devices", "--watch", "1ms", "--simulate", SINGLE).status()).isEqualTo(2);
    assertThat(run("devices", "--sim-start", "later", "--simulate", SINGLE).err()).contains("--sim-start");
    assertThat(run("devices", "--time-compression", "0", "--simulate", SINGLE).err()).contains("positive");
    assertThat(run("devices", "--sim-host", "x").err()).contains("need --simulate");
    assertThat(run("devices", "--sim-host", "x").status()).isEqualTo(2);
  }

  @Test
  void registeredInTheHeadroomCommand() {
    Result r = execute(Headroom.newCommandLine(), "devices", "--simulate", SINGLE, "--json");
    assertThat(r.status()).isZero();
    assertThat(r.outLines()).singleElement().satisfies(l -> assertThat(l).contains("\"uuid\":\"GPU-5b1f0c2e"));
    assertThat(execute(Headroom.newCommandLine(), "--help").out()).contains("devices");
  }

  @Test
  void helpExplainsEveryOption() {
    Result r = run("devices", "--help");
    assertThat(r.status()).isZero();
    for (String option :
        new String[] {"--json", "--watch", "--count", "--simulate", "--sim-host", "--sim-start", "--time-compression", "--nvml-library"}) {
      assertThat(r.out()).contains(option);
    }
    assertThat(r.out()).contains("Exit status");
  }
}
