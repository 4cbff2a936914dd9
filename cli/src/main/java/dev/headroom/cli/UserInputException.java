package dev.headroom.cli;

/**
 * Bad input from the user (a file that cannot be read, a value out of range, a missing driver):
 * printed as one line by {@link CliErrors}, with the exit status given here.
 */
public final class UserInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public UserInputException(String message) {
    this(message, Headroom.EXIT_USAGE);
  }

  public UserInputException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
