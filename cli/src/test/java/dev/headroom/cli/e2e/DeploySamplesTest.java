package dev.headroom.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.headroom.agent.metrics.AgentMetrics;
import dev.headroom.analyzer.detect.DetectorConfig;
import dev.headroom.cli.Headroom;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment samples users copy ({@code samples/deploy/}) agree with the code: the checked-in
 * Prometheus rules are what the collector prints now, promtool accepts the scrape config and its
 * rules, the Grafana dashboard charts only metrics of the agent's catalogue, and every agent
 * command line in the Kubernetes and systemd samples parses with the real CLI.
 */
class DeploySamplesTest {
  private static final String REGENERATE =
      "regenerate it: ./headroom collector --print-prometheus-rules > samples/deploy/prometheus/headroom-rules.yml";

  @Test
  void theCheckedInRulesAreWhatTheCollectorPrintsNow() throws Exception {
    String checkedIn = Files.readString(RepoFiles.find("samples/deploy/prometheus/headroom-rules.yml"));
    assertThat(checkedIn).as(REGENERATE).isEqualTo(PrometheusScrapeE2ETest.printedRules());
  }

  @Test
  void promtoolAcceptsTheSampleScrapeConfigAndItsRules() throws Exception {
    Optional<Path> promtool = ExternalPeer.binary(List.of("/usr/bin/promtool", "/usr/local/bin/promtool"),
        List.of("promtool"));
    assumeTrue(promtool.isPresent(), "promtool not installed: apt-get install -y prometheus (.ci/run installs it)");
    Path config = RepoFiles.find("samples/deploy/prometheus/prometheus.yml");
    Process p = new ProcessBuilder(promtool.get().toString(), "check", "config", config.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).as("the config's rule_files resolve to the generated rules").contains("1 rule files found");
  }

  @Test
  void theDashboardChartsOnlyCatalogueMetricsAndHasTheAdvertisedPanels() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(
        RepoFiles.find("samples/deploy/grafana/headroom-dashboard.json").toFile());
    Set<String> catalogue = agentCatalogue();
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        exprs.add(target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      exprs.add(variable.path("query").asText());
    }
    Set<String> used = new TreeSet<>();
    Matcher m = Pattern.compile("headroom_[a-z0-9_]+").matcher(String.join("\n", exprs));
    while (m.find()) {
      used.add(m.group());
    }
    assertThat(catalogue).as("AgentMetrics' names").hasSizeGreaterThan(20);
    assertThat(used).as("every metric the dashboard charts is one the agent exports").isSubsetOf(catalogue);
    assertThat(used).contains(AgentMetrics.GPU_MEMORY_USED, AgentMetrics.GPU_MEMORY_USABLE,
        AgentMetrics.GPU_MEMORY_USED_PEAK_RATIO, AgentMetrics.GPU_PROCESS_MEMORY_USED,
        AgentMetrics.ALLOCATOR_ALLOCATED, AgentMetrics.ALLOCATOR_RESERVED, AgentMetrics.GPU_PCIE_TX,
        AgentMetrics.GPU_PCIE_RX, AgentMetrics.GPU_NVLINK_TX, AgentMetrics.GPU_NVLINK_RX);

    JsonNode ratioPanel = panelCharting(dashboard, AgentMetrics.GPU_MEMORY_USED_PEAK_RATIO);
    List<Double> steps = new ArrayList<>();
    ratioPanel.path("fieldConfig").path("defaults").path("thresholds").path("steps")
        .forEach(s -> steps.add(s.path("value").isNumber() ? s.path("value").asDouble() : Double.NaN));
    assertThat(steps).as("the ratio panel draws the danger line").contains(DetectorConfig.defaults().dangerRatio());
    assertThat(ratioPanel.path("fieldConfig").path("defaults").path("custom").path("thresholdsStyle").path("mode")
        .asText()).isEqualTo("line");
  }

  @Test
  void everyAgentCommandLineInTheSamplesParsesWithTheRealCli() throws Exception {
    List<List<String>> commandLines = new ArrayList<>();
    List<Boolean> hostPid = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
        .readValues(RepoFiles.find("samples/deploy/kubernetes/training-with-sidecar.yaml").toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc == null || doc.isMissingNode() || doc.isEmpty()) {
          continue;
        }
        JsonNode podSpec = doc.path("kind").asText().equals("Pod") ? doc.path("spec")
            : doc.path("spec").path("template").path("spec");
        hostPid.add(podSpec.path("hostPID").asBoolean(false));
        for (JsonNode container : podSpec.path("containers")) {
          if (container.path("name").asText().equals("headroom-agent")) {
            List<String> args = new ArrayList<>();
            container.path("args").forEach(a -> args.add(a.asText()));
            commandLines.add(args);
          }
        }
      }
    }
    assertThat(hostPid).as("a variant with hostPID and one without").contains(true, false);
    commandLines.add(systemdAgentArguments());
    assertThat(commandLines).hasSize(4);

    for (List<String> args : commandLines) {
      assertThat(args.get(0)).isEqualTo("agent");
      assertThatCode(() -> Headroom.newCommandLine().parseArgs(args.toArray(String[]::new)))
          .as("headroom %s", String.join(" ", args)).doesNotThrowAnyException();
      assertThat(args).as("the token comes from a file").anyMatch(a -> a.startsWith("--token-file="));
      assertThat(args).as("the recording goes to a kept folder").contains("--recording-dir=/var/lib/headroom/recording");
      assertThat(args).noneMatch(a -> a.startsWith("--token="));
    }
  }

  @Test
  void theReadmeExplainsEverySampleFile() throws Exception {
    Path deploy = RepoFiles.find("samples/deploy");
    String readme = Files.readString(deploy.resolve("README.md"));
    try (var files = Files.walk(deploy)) {
      for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("README.md"))
          .toList()) {
        assertThat(readme).as("samples/deploy/README.md mentions " + deploy.relativize(f))
            .contains(deploy.relativize(f).toString());
      }
    }
  }

  /** The agent's arguments in the systemd unit's ExecStart (backslash continuations joined). */
  private static List<String> systemdAgentArguments() throws Exception {
    String unit = Files.readString(RepoFiles.find("samples/deploy/systemd/headroom-agent.service"));
    Matcher m = Pattern.compile("(?m)^ExecStart=((?:.*\\\\\\n)*.*)$").matcher(unit);
    assertThat(m.find()).as("the unit has an ExecStart").isTrue();
    String[] words = m.group(1).replace("\\\n", " ").trim().split("\\s+");
    List<String> args = new ArrayList<>();
    boolean afterJar = false;
    for (String w : words) {
      if (afterJar) {
        args.add(w);
      }
      afterJar |= w.endsWith("headroom.jar");
    }
    return args;
  }

  /** The names of AgentMetrics' public constants: the agent's whole metric catalogue. */
  private static Set<String> agentCatalogue() throws IllegalAccessException {
    Set<String> names = new TreeSet<>();
    for (Field f : AgentMetrics.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        names.add((String) f.get(null));
      }
    }
    return names;
  }

  private static JsonNode panelCharting(JsonNode dashboard, String metric) {
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        if (target.path("expr").asText().contains(metric)) {
          return panel;
        }
      }
    }
    throw new AssertionError("no panel charts " + metric);
  }
}
