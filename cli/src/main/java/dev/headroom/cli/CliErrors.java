package dev.headroom.cli;

import picocli.CommandLine;

/**
 * Turns exceptions that escape a subcommand into one clear line and an exit status, never a bare
 * stack trace. {@link UserInputException} is bad input (status 2); anything else is a bug and keeps
 * its stack trace when {@code HEADROOM_DEBUG} is set.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    var err = commandLine.getErr();
    if (ex instanceof UserInputException uie) {
      err.println("headroom: " + uie.getMessage());
      err.flush();
      return uie.exitCode();
    }
    err.println("headroom: internal error: " + ex);
    if (System.getenv("HEADROOM_DEBUG") != null) {
      ex.printStackTrace(err);
    } else {
      err.println("(set HEADROOM_DEBUG=1 to see the stack trace)");
    }
    err.flush();
    return 1;
  }
}
