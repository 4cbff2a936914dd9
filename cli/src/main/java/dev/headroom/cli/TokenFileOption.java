package dev.headroom.cli;

import dev.headroom.agent.ship.TokenFile;
import java.nio.file.Path;

/** The {@code --token-file} of agent and collector: one reader, so both say the same about a bad file. */
final class TokenFileOption {
  private TokenFileOption() {}

  /** The token, or empty when the option was not given (no token check, loopback use). */
  static String read(Path fileOrNull) {
    if (fileOrNull == null) {
      return "";
    }
    try {
      return TokenFile.read(fileOrNull);
    } catch (TokenFile.TokenFileException e) {
      throw new UserInputException("--token-file: " + e.getMessage());
    }
  }
}
