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

  @Test
  void everyCommandThatOffersVersionPrintsIt() {
    // mixinStandardHelpOptions gives every command -V/--version; without a version of its own it printed nothing.
    CommandLine root = Headroom.newCommandLine();
    for (CommandLine command : allCommands(root)) {
      if (command.getCommandSpec().findOption("--version") == null) {
        continue;
      }
      StringWriter out = new StringWriter();
      command.printVersionHelp(new PrintWriter(out, true));
      assertThat(out.toString()).as("--version of %s", command.getCommandName()).startsWith("headroom ");
    }
    StringWriter out = new StringWriter();
    CommandLine cl = Headroom.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    assertThat(cl.execute("bench", "binding", "--version")).isZero();
    assertThat(out.toString()).startsWith("headroom ");
  }

  @Test
  void everyOptionalBooleanSaysWhatLeavingItOutMeans() {
    // --expandable-segments[=BOOL] alone said nothing of its default among predict's switches.
    for (CommandLine command : allCommands(Headroom.newCommandLine())) {
      for (OptionSpec option : command.getCommandSpec().options()) {
        if ("BOOL".equals(option.paramLabel())) {
          assertThat(String.join(" ", option.description())).as("%s %s", command.getCommandName(), option.longestName())
              .contains("default");
        }
      }
    }
  }

  private static String qualifiedName(CommandLine command) {
    return command.getCommandSpec().qualifiedName(" ").replaceFirst("^headroom ?", "");
  }

  /**
   * A parent's command list shows each subcommand's first header (or description) line only, so
   * that line must be a whole, short sentence: "predict" once showed "... (weights, gradients,
   * optimizer" and stopped.
   */
  @Test
  void everySubcommandsSummaryInItsParentsListIsOneWholeSentence() {
    for (CommandLine command : allCommands(Headroom.newCommandLine())) {
      if (command.getParent() == null) {
        continue;
      }
      var usage = command.getCommandSpec().usageMessage();
      String[] summarySource = usage.header().length > 0 ? usage.header() : usage.description();
      assertThat(summarySource).as("summary of %s", qualifiedName(command)).isNotEmpty();
      String summary = summarySource[0];
      assertThat(summary).as("summary of %s", qualifiedName(command)).endsWith(".").hasSizeLessThanOrEqualTo(110);
    }
  }

  /**
   * picocli wraps each description element itself and breaks the line after every element, so an
   * element wrapped by hand ("... as a percentage" / "(usable = ...") renders as ragged short lines.
   * Every element must therefore be a whole paragraph or list item: empty, or ending the way a
   * sentence, a list item or a lead-in does.
   */
  @Test
  void descriptionElementsAreWholeParagraphsNotHandWrappedLines() {
    for (CommandLine command : allCommands(Headroom.newCommandLine())) {
      var usage = command.getCommandSpec().usageMessage();
      List<String> elements = new ArrayList<>(List.of(usage.header()));
      elements.addAll(List.of(usage.description()));
      for (String element : elements) {
        String trimmed = element.replaceAll("(%n)+$", "").strip();
        if (!trimmed.isEmpty()) {
          assertThat(trimmed.charAt(trimmed.length() - 1))
              .as("help of '%s', element \"%s\"", qualifiedName(command), element)
              .isIn('.', ':', ';');
        }
      }
    }
  }
}
