package dev.headroom.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code headroom bench NAME}: each benchmark prints one JSON line per figure, always beside a
 * baseline measured in the same run, because these machines are noisy.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure headroom's own cost and accuracy; prints one JSON line per figure.",
    subcommands = {
      dev.headroom.cli.bench.BindingBench.class,
      dev.headroom.cli.bench.AlertLatencyBench.class,
      dev.headroom.cli.bench.AgentBench.class,
      dev.headroom.cli.bench.PredictBench.class,
      dev.headroom.cli.bench.IngestBench.class,
      dev.headroom.cli.bench.PostmortemBench.class,
      dev.headroom.cli.bench.RestoreBench.class,
    })
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
