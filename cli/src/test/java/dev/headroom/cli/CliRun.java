package dev.headroom.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the real {@code headroom} command line in-process and keeps what it printed. */
public final class CliRun {
  private CliRun() {}

  /** Exit status and everything printed on standard output and standard error. */
  public record Result(int status, String out, String err) {}

  /** {@code headroom ARGS}, built as {@link Headroom#main} builds it. */
  public static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Headroom.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute(args);
    return new Result(status, out.toString(), err.toString());
  }
}
