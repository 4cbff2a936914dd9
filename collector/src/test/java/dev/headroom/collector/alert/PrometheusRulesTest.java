package dev.headroom.collector.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.analyzer.detect.DetectorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusRulesTest {
  @TempDir Path dir;

  record Result(int exitCode, String output) {}

  private static Optional<Path> promtool() {
    return Stream.concat(
            Stream.of("/usr/bin/promtool", "/usr/local/bin/promtool").map(Path::of),
            Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(s -> !s.isEmpty())
                .map(d -> Path.of(d, "promtool")))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private Result run(Path promtool, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    return new Result(p.exitValue(), out);
  }

  private Path promtoolOrSkip() {
    Optional<Path> promtool = promtool();
    Assumptions.assumeTrue(promtool.isPresent(), "promtool not installed: apt-get install -y prometheus (CI installs it)");
    return promtool.get();
  }

  @Test
  void theGeneratedRulesPassPromtoolCheck() throws Exception {
    Path promtool = promtoolOrSkip();
    Files.writeString(dir.resolve("rules.yml"), PrometheusRules.defaults().yaml());

    Result check = run(promtool, "check", "rules", "rules.yml");

    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 8 rules found");
  }

  @Test
  void dangerWithHysteresisAndLeakButNotAStepUpBehaveInPromtoolUnitTests() throws Exception {
    Path promtool = promtoolOrSkip();
    Files.writeString(dir.resolve("rules.yml"), PrometheusRules.defaults().yaml());
    try (InputStream in = getClass().getResourceAsStream("danger-and-leak.test.yml")) {
      Files.write(dir.resolve("danger-and-leak.test.yml"), in.readAllBytes());
    }

    Result test = run(promtool, "test", "rules", "danger-and-leak.test.yml");

    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void theRulesCarryTheConfiguredThresholds() {
    String yaml = new PrometheusRules(DetectorConfig.defaults().withDangerRatio(0.8), Duration.ofSeconds(30), "gpu-agents")
        .yaml();

    assertThat(yaml)
        .contains("headroom_gpu_memory_used_peak_ratio >= 0.8 or (headroom_gpu_memory_used_peak_ratio >= 0.75")
        .contains("for: 1m") // two reports of 30 s
        .contains("up{job=\\\"gpu-agents\\\"} == 0")
        .contains("for: 90s"); // agent silent: three scrapes of 30 s
  }

  @Test
  void aJobNameThatWouldBreakTheExpressionIsRefused() {
    assertThatThrownBy(() -> new PrometheusRules(DetectorConfig.defaults(), Duration.ofSeconds(15), "a\"b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("agentJob");
  }

  @Test
  void durationsAreWrittenInPrometheusSyntax() {
    assertThat(PrometheusRules.promDuration(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(PrometheusRules.promDuration(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(PrometheusRules.promDuration(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(PrometheusRules.promDuration(Duration.ofSeconds(90))).isEqualTo("90s");
  }
}
