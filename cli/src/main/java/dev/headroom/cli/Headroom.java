package dev.headroom.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one {@code headroom} command. Subcommands only wire the modules together; anything with
 * logic lives in the module it belongs to.
 */
@Command(
    name = "headroom",
    mixinStandardHelpOptions = true,
    versionProvider = Headroom.Version.class,
    description = {
      "Live GPU memory profiler for training and fine-tuning jobs.",
      "Reads every GPU through NVML, predicts a run's memory, and explains out-of-memory crashes."
    },
    subcommands = {
      CommandLine.HelpCommand.class,
      BenchCommand.class,
      AgentCommand.class,
      DevicesCommand.class,
      PostmortemCommand.class,
      CollectorCommand.class,
      PredictCommand.class,
      DemoCommand.class,
    })
public final class Headroom implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Exit status for bad input and usage errors (picocli uses the same for parse errors). */
  public static final int EXIT_USAGE = 2;
  /** Exit status when the NVIDIA driver (libnvidia-ml.so.1) cannot be found or used. */
  public static final int EXIT_NO_DRIVER = 3;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and tests so both behave the same. */
  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new Headroom());
    cl.setExecutionExceptionHandler(new CliErrors());
    giveVersionTo(cl, new Version());
    return cl;
  }

  /** Every subcommand offers -V (mixinStandardHelpOptions); without a version of its own it printed nothing. */
  private static void giveVersionTo(CommandLine parent, CommandLine.IVersionProvider version) {
    for (CommandLine sub : parent.getSubcommands().values()) {
      if (sub.getCommandSpec().versionProvider() == null && sub.getCommandSpec().version().length == 0) {
        sub.getCommandSpec().versionProvider(version);
      }
      giveVersionTo(sub, version);
    }
  }

  /** Reads the version Maven wrote into the jar at build time. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties props = new Properties();
      try (InputStream in = Headroom.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          props.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new String[] {
        "headroom " + props.getProperty("version", "unknown"),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
