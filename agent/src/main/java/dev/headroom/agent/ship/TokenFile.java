package dev.headroom.agent.ship;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the collector token from a file: never from the command line, where every user of the
 * node could read it in the process list. The file holds the token on its first line; surrounding
 * whitespace is ignored.
 */
public final class TokenFile {

  /** The token file cannot be used; the message says which file and why. */
  public static final class TokenFileException extends Exception {
    private static final long serialVersionUID = 1L;

    TokenFileException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private TokenFile() {}

  public static String read(Path file) throws TokenFileException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new TokenFileException("token file " + file + " does not exist", e);
    } catch (AccessDeniedException e) {
      throw new TokenFileException("token file " + file + " is not readable by this user", e);
    } catch (IOException e) {
      throw new TokenFileException("token file " + file + " could not be read: " + e.getMessage(), e);
    }
    String token = text.lines().findFirst().orElse("").strip();
    if (token.isEmpty()) {
      throw new TokenFileException("token file " + file + " is empty", null);
    }
    return token;
  }
}
