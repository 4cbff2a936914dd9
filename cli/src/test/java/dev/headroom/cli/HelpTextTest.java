package dev.headroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command's {@code --help} renders cleanly: picocli formats descriptions with {@code
 * String.format}, so a stray {@code %} silently degrades a help text to a warning and raw text.
 */
class HelpTextTest {

  private static List<CommandLine> allCommands(CommandLine root) {
    List<CommandLine> out = new ArrayList<>();
    out.add(root);
    for (CommandLine sub : root.getSubcommands().values()) {
      if (!out.contains(sub)) {
        out.addAll(allCommands(sub));
      }
    }
    return out;
  }

  @Test
  void everyCommandsHelpRendersWithoutPicocliWarningsAndNamesEveryOption() {
    CommandLine root = Headroom.newCommandLine();
    List<CommandLine> commands = allCommands(root);
    assertThat(commands.stream().map(CommandLine::getCommandName))
        .contains("devices", "agent", "collector", "predict", "postmortem", "demo", "bench");

    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      for (CommandLine command : commands) {
        StringWriter help = new StringWriter();
        command.usage(new PrintWriter(help));
        String text = help.toString();
        assertThat(text).as("help of %s", command.getCommandName()).contains("Usage:");
        for (OptionSpec option : command.getCommandSpec().options()) {
          if (!option.hidden()) {
            assertThat(text).as("help of %s", command.getCommandName()).contains(option.longestName());
          }
        }
      }
    } finally {
      System.setErr(originalErr);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("[picocli WARN]");
  }
}
