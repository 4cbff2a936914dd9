package dev.headroom.collector.alert;

import static dev.headroom.collector.alert.Frames.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.alert.Alert;
import dev.headroom.analyzer.alert.AlertEvent;
import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.AlertScope;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogAlertSinkTest {
  private static Alert leak() {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("slopeBytesPerMinute", 20971520.0);
    values.put("timeToOomSeconds", 63800.0);
    values.put("ratio", 0.123456);
    Condition c = new Condition(AlertKind.LEAK, Severity.WARNING, values, "Baseline grows by 20 MiB/min", "snapshot it");
    return new Alert(AlertScope.gpu("run-9", "node-3", "GPU-7").key(AlertKind.LEAK), "node-3", Optional.of("GPU-7"), c, T0,
        Optional.empty());
  }

  @Test
  void aRaisedAlertIsOneLineWithKeysValuesExplanationAndNextStep() {
    String line = LogAlertSink.line(new AlertEvent.Raised(leak()));

    assertThat(line).isEqualTo(
        "alert raised kind=leak severity=warning run=run-9 host=node-3 gpu=GPU-7 slopeBytesPerMinute=20971520 "
            + "timeToOomSeconds=63800 ratio=0.1235 | Baseline grows by 20 MiB/min | next: snapshot it");
  }

  @Test
  void aResolvedAlertLeavesTheNextStepOutAndAnAgentAlertNamesTheAgent() {
    Alert silent = new Alert(
        AlertScope.agent("run-9", "node-3", "agent-x").key(AlertKind.AGENT_SILENT), "node-3", Optional.empty(),
        new Condition(AlertKind.AGENT_SILENT, Severity.WARNING, Map.of(), "quiet", "look"), T0, Optional.empty());

    String line = LogAlertSink.line(new AlertEvent.Resolved(silent.resolved(T0.plusSeconds(9))));

    assertThat(line).isEqualTo("alert resolved kind=agent-silent severity=warning run=run-9 host=node-3 agent=agent-x | quiet");
  }
}
