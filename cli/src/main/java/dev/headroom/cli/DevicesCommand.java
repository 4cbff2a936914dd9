package dev.headroom.cli;

import dev.headroom.nvml.sim.TimeSpan;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code headroom devices}: every GPU with its memory and its processes, once or every few seconds.
 * Wiring only: readings come from the facade, names from attribution.
 */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "List every GPU with used / usable memory and the processes holding it.",
    description = {
      "List every GPU: index, name, UUID, used / usable GiB and used/usable as a percentage "
          + "(usable = total - driver-reserved memory, what the danger threshold is set against), "
          + "then its processes: PID, name, user, GPU memory.",
      "Exit status: 0 ok, 2 bad option or scenario, 3 NVIDIA driver (libnvidia-ml.so.1) not usable."
    })
final class DevicesCommand implements Callable<Integer> {

  @Mixin NvmlSourceOptions source;

  @Option(names = "--json", description = "One JSON object per GPU per line (bytes, with 'uuid'), instead of text.")
  boolean json;

  @Option(
      names = "--watch",
      arity = "0..1",
      fallbackValue = "2s",
      paramLabel = "INTERVAL",
      description = "Refresh every INTERVAL of wall-clock time (e.g. 500ms, 2s, 1m; plain numbers are seconds; default when given without a value: 2s) until Ctrl-C.")
  String watch;

  @Option(names = "--count", paramLabel = "N", description = "With --watch: stop after N refreshes (default: run until Ctrl-C).")
  Integer count;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Duration interval = watchInterval();
    if (count != null && count < 1) {
      throw new UserInputException("--count must be at least 1, got " + count);
    }
    if (count != null && interval == null) {
      throw new UserInputException("--count needs --watch");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (NvmlSourceOptions.OpenedSource opened = source.open()) {
      int refreshes = 0;
      while (true) {
        String note = sourceNote(opened); // per refresh: a simulation's clock moves on
        DeviceReadout readout = DeviceReadout.read(opened);
        List<String> lines = json ? DeviceReadoutFormat.json(readout) : DeviceReadoutFormat.text(readout, note);
        if (interval != null && !json && refreshes > 0) {
          out.println();
        }
        lines.forEach(out::println);
        out.flush();
        refreshes++;
        if (interval == null || (count != null && refreshes >= count)) {
          return 0;
        }
        Thread.sleep(interval.toMillis(), (int) (interval.toNanos() % 1_000_000));
      }
    }
  }

  private Duration watchInterval() {
    if (watch == null) {
      return null;
    }
    Duration d;
    try {
      d = TimeSpan.parse(watch).toDuration();
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--watch: " + e.getMessage());
    }
    if (d.compareTo(Duration.ofMillis(10)) < 0) {
      throw new UserInputException("--watch interval must be at least 10ms, got '" + watch + "'");
    }
    return d;
  }

  private static String sourceNote(NvmlSourceOptions.OpenedSource opened) {
    if (opened.simulated()) {
      var clock = opened.simulationClock().orElseThrow();
      long seconds = Math.round(clock.secondsAt(clock.now()));
      return String.format(
          " (simulated: scenario '%s' at %dm%02ds)", opened.scenario().orElseThrow().name(), seconds / 60, seconds % 60);
    }
    var driver = opened.hosts().get(0).nvml().driver();
    return " (driver " + driver.driverVersion() + ", CUDA " + driver.cudaVersionText() + ")";
  }
}
