package dev.headroom.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioLoaderTest {
  static final Path SAMPLES = Path.of("..", "samples", "scenarios");

  private static ScenarioException failure(String yaml) {
    return catchThrowableOfType(ScenarioException.class, () -> ScenarioLoader.parse(yaml, "bad.yaml", false));
  }

  @Test
  void everySampleScenarioLoads() throws Exception {
    List<Path> files;
    try (var list = Files.list(SAMPLES)) {
      files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).extracting(p -> p.getFileName().toString()).contains("single-h100.yaml", "fleet.yaml", "leak.yaml");
    for (Path f : files) {
      Scenario s = ScenarioLoader.load(f);
      assertThat(s.hosts()).as(f.toString()).isNotEmpty();
    }
  }

  @Test
  void singleH100ReadsAsWritten() throws Exception {
    Scenario s = ScenarioLoader.load(SAMPLES.resolve("single-h100.yaml"));
    assertThat(s.name()).isEqualTo("single-h100");
    assertThat(s.startAt().seconds()).isEqualTo(600);
    Scenario.Device d = s.hosts().get(0).devices().get(0);
    assertThat(d.type()).isEqualTo(GpuType.H100_80GB_SXM);
    Scenario.Process p = d.processes().get(0);
    assertThat(p.pid()).isEqualTo(4242);
    assertThat(p.memory()).hasSize(4).element(3).isInstanceOf(CurvePart.Sawtooth.class);
    assertThat(p.run().spec().get("model").asText()).isEqualTo("llama-3-8b");
  }

  @Test
  void jsonIsAcceptedToo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tiny.json");
    Files.writeString(
        file,
        """
        {"devices": [{"type": "L4_24GB", "processes": [
          {"pid": 10, "memory": [{"constant": {"bytes": "2GiB"}}]}]}]}
        """);
    Scenario s = ScenarioLoader.load(file);
    assertThat(s.name()).isEqualTo("tiny");
    assertThat(s.hosts()).singleElement().extracting(Scenario.Host::name).isEqualTo(Scenario.DEFAULT_HOST);
  }

  @Test
  void misspeltFieldIsNamedWithItsLineAndTheFieldsThatExist() {
    ScenarioException e =
        failure(
            """
            devices:
              - type: H100_80GB_SXM
                processes:
                  - pid: 1
                    memory:
                      - sawtooth: {period: 1s, amplitude: 4GiB, riseFracton: 0.5}
            """);
    assertThat(e.line()).hasValue(6);
    assertThat(e.getMessage())
        .startsWith("bad.yaml:6:")
        .contains("unknown field 'riseFracton'")
        .contains("riseFraction")
        .contains("devices[0].processes[0].memory[0]");
  }

  @Test
  void aMisspeltFieldIsLocatedAtItsOwnLineNotAtTheEndOfItsBlock() {
    // Jackson reports a record's unknown field once the whole object is read, i.e. at its end;
    // the user needs the line where the misspelt name is.
    ScenarioException yaml =
        failure(
            """
            devices:
              - type: H100_80GB_SXM
                processes:
                  - pid: 5
                    nmae: trainer
                    memory:
                      - constant: {bytes: 1GiB}
                      - sawtooth:
                          period: 2s
                          amplitude: 1GiB
                count: 1
            """);
    assertThat(yaml.getMessage())
        .startsWith("bad.yaml:5:9: field 'devices[0].processes[0].nmae': unknown field 'nmae'");
    ScenarioException part =
        failure(
            """
            devices:
              - type: H100_80GB_SXM
                processes:
                  - pid: 5
                    memory:
                      - sawtooth:
                          period: 2s
                          amplitude: 1GiB
                          riseFracton: 0.5
                          start: 0s
            """);
    assertThat(part.line()).hasValue(9);
    ScenarioException json = catchThrowableOfType(ScenarioException.class, () -> ScenarioLoader.parse(
        "{\"devices\": [\n  {\"type\": \"L4_24GB\",\n   \"procesess\": [],\n   \"count\": 1}\n]}\n", "bad.json", true));
    assertThat(json.getMessage()).startsWith("bad.json:3:4: field 'devices[0].procesess'");
  }

  @Test
  void aBadValueOfAPartIsLocatedAtThePartNotAfterIt() {
    ScenarioException e =
        failure(
            """
            devices:
              - type: L4_24GB
                processes:
                  - pid: 5
                    memory:
                      - sawtooth:
                          period: 0s
                          amplitude: 1GiB
                    noise: 5MiB
            """);
    assertThat(e.line()).hasValue(6);
    assertThat(e.problem()).isEqualTo("sawtooth 'period' must be more than 0");
  }

  @Test
  void misspeltRequiredFieldIsNamedAsTheCauseOfTheMissingOne() {
    ScenarioException e =
        failure(
            """
            devices:
              - type: H100_80GB_SXM
                processes:
                  - pid: 1
                    memory:
                      - leak: {bytesPerMinut: 20MiB}
            """);
    assertThat(e.problem())
        .startsWith("unknown field 'bytesPerMinut' (known: bytesPerMinute, start, stop)")
        .endsWith("leak needs 'bytesPerMinute'");
    ScenarioException topLevel = failure("devcies:\n  - type: L4_24GB\n");
    assertThat(topLevel.problem()).startsWith("unknown field 'devcies'");
  }

  @Test
  void badByteUnitNamesTheField() {
    ScenarioException e =
        failure(
            """
            devices:
              - type: L4_24GB
                processes:
                  - pid: 1
                    memory:
                      - constant: {bytes: 3 GiBs}
            """);
    assertThat(e.line()).hasValue(6);
    assertThat(e.field()).hasValueSatisfying(f -> assertThat(f).endsWith("memory[0].bytes"));
    assertThat(e.problem()).contains("unknown byte unit 'GiBs'");
  }

  @Test
  void unknownGpuTypeListsTheKnownOnes() {
    ScenarioException e = failure("devices:\n  - type: V100\n");
    assertThat(e.getMessage()).contains("bad.yaml:2").contains("devices[0].type").contains("H100_80GB_SXM");
  }

  @Test
  void unknownMemoryPartListsThePrimitives() {
    ScenarioException e =
        failure(
            """
            devices:
              - type: L4_24GB
                processes:
                  - pid: 1
                    memory:
                      - wobble: {bytes: 1GiB}
            """);
    assertThat(e.problem()).contains("unknown memory part 'wobble'").contains("sawtooth");
  }

  @Test
  void semanticErrorsComeFromTheRecordThatHasThem() {
    assertThat(failure("devices:\n  - type: L4_24GB\n    processes:\n      - name: x\n        memory: []\n").problem())
        .contains("needs 'pid'");
    assertThat(
            failure(
                    """
                    devices:
                      - type: L4_24GB
                        processes:
                          - pid: 1
                            memory: [{sawtooth: {period: 0s, amplitude: 1GiB}}]
                    """)
                .problem())
        .contains("'period' must be more than 0");
    assertThat(failure("hosts: []\n").problem()).contains("'hosts' is empty");
    assertThat(failure("seed: 3\n").problem()).contains("needs 'hosts' or 'devices'");
  }

  @Test
  void duplicatePidsOnAHostAreRejectedIncludingCopies() {
    ScenarioException e =
        failure(
            """
            devices:
              - type: H100_80GB_SXM
                count: 2
                processes: [{pid: 100, memory: [{constant: {bytes: 1GiB}}]}]
              - type: H100_80GB_SXM
                processes: [{pid: 101, memory: [{constant: {bytes: 1GiB}}]}]
            """);
    assertThat(e.problem()).contains("pid 101 appears twice");
  }

  @Test
  void brokenYamlSyntaxSaysSoWithALine() {
    ScenarioException e = failure("devices:\n  - type: L4_24GB\n   processes: x\n");
    assertThat(e.problem()).startsWith("not valid YAML");
    assertThat(e.line()).isPresent();
  }

  @Test
  void brokenYamlSaysWhatWasExpectedNotOnlyWhereTheParserWas() {
    // Before: "not valid YAML: while parsing a flow node" and nothing about the problem.
    ScenarioException e = failure("hosts: [\n");
    assertThat(e.problem()).startsWith("not valid YAML: while parsing a flow node; ")
        .contains("expected the node content, but found '<stream end>'")
        .doesNotContain("\n").doesNotContain("^");
  }

  @Test
  void yamlAliasesAreRefusedWithAnExplanation() {
    ScenarioException e =
        failure(
            """
            devices:
              - type: L4_24GB
                processes:
                  - {pid: 1, memory: &m [{constant: {bytes: 1GiB}}]}
                  - {pid: 2, memory: *m}
            """);
    assertThat(e.line()).hasValue(5);
    assertThat(e.problem()).contains("aliases (*m) are not supported").contains("count");
  }

  @Test
  void missingFileIsNamed() {
    ScenarioException e =
        catchThrowableOfType(ScenarioException.class, () -> ScenarioLoader.load(Path.of("no/such/scenario.yaml")));
    assertThat(e.getMessage()).isEqualTo("no/such/scenario.yaml: no such file");
  }
}
