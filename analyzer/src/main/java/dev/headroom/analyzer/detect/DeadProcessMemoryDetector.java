package dev.headroom.analyzer.detect;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.ProcessReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Dead-process memory: the driver still charges memory to a PID that no longer exists, for {@code
 * deadProcessReports} reports in a row (one report can catch a process mid-exit). One GPU; not
 * thread-safe.
 */
public final class DeadProcessMemoryDetector {
  private final DetectorConfig config;
  private int reportsInARow;
  private List<ProcessReport> dead = List.of();

  public DeadProcessMemoryDetector(DetectorConfig config) {
    this.config = config;
  }

  public void observe(DeviceReport report) {
    dead = report.processes().stream().filter(p -> !p.alive() && p.usedBytes().last() > 0).toList();
    reportsInARow = dead.isEmpty() ? 0 : reportsInARow + 1;
  }

  public Optional<Condition> condition() {
    if (reportsInARow < config.deadProcessReports()) {
      return Optional.empty();
    }
    long heldBytes = dead.stream().mapToLong(p -> p.usedBytes().last()).sum();
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("heldBytes", (double) heldBytes);
    values.put("deadProcesses", (double) dead.size());
    values.put("firstPid", (double) dead.get(0).pid());
    String pids = dead.stream().map(p -> Long.toString(p.pid())).reduce((a, b) -> a + ", " + b).orElse("");
    String explanation =
        Quantities.bytes(heldBytes) + " is still held by exited process(es) " + pids + "; no one can use it";
    String action =
        "Find what keeps the device open (`fuser -v /dev/nvidia*`, zombie dataloader workers) and kill it; "
            + "if nothing does, reset the GPU (`nvidia-smi --gpu-reset`) once it is idle";
    return Optional.of(
        new Condition(AlertKind.DEAD_PROCESS_MEMORY, Severity.WARNING, values, explanation, action));
  }
}
