package dev.headroom.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
  @TempDir Path dir;

  @Test
  void readsTheFirstLineWithoutSurroundingWhitespace() throws Exception {
    Path f = Files.writeString(dir.resolve("token"), "  s3cr3t-value \nignored\n");

    assertThat(TokenFile.read(f)).isEqualTo("s3cr3t-value");
  }

  @Test
  void missingFileIsNamed() {
    Path f = dir.resolve("nope");

    assertThatThrownBy(() -> TokenFile.read(f))
        .isInstanceOf(TokenFile.TokenFileException.class)
        .hasMessage("token file " + f + " does not exist");
  }

  @Test
  void emptyFileIsRefused() throws Exception {
    Path f = Files.writeString(dir.resolve("token"), "\n\n");

    assertThatThrownBy(() -> TokenFile.read(f)).hasMessage("token file " + f + " is empty");
  }

  @Test
  void unreadableFileIsNamed() throws Exception {
    // A directory cannot be read as a file, even by root (permission bits would not stop root).
    Path f = Files.createDirectory(dir.resolve("token.d"));

    assertThatThrownBy(() -> TokenFile.read(f))
        .isInstanceOf(TokenFile.TokenFileException.class)
        .hasMessageStartingWith("token file " + f + " could not be read");
  }
}
