package dev.headroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FileSystemFailureTest {
  @TempDir Path dir;

  @Test
  void theReasonComesFromTheExceptionsTypeWhenTheMessageIsOnlyThePath() throws IOException {
    Path missingParent = dir.resolve("missing").resolve("inner");
    IOException noSuchFile = null;
    try {
      Files.createDirectory(missingParent);
    } catch (IOException e) {
      noSuchFile = e;
    }
    assertThat(noSuchFile).isNotNull().hasMessage(missingParent.toString());
    assertThat(FileSystemFailure.describe(noSuchFile))
        .isEqualTo(missingParent + ": no such file or directory, and it cannot be created there");
    assertThat(FileSystemFailure.describe(new AccessDeniedException("/etc/x"))).isEqualTo("/etc/x: permission denied");
    assertThat(FileSystemFailure.describe(new IOException("disk full"))).isEqualTo("disk full");
  }

  @Test
  void aReasonTheFileSystemGaveIsKept() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    IOException notADirectory = null;
    try {
      Files.createDirectories(file.resolve("sub"));
    } catch (IOException e) {
      notADirectory = e;
    }
    assertThat(notADirectory).isNotNull();
    assertThat(FileSystemFailure.describe(notADirectory)).startsWith(file.toString()).endsWith(": Not a directory");
  }

  @Test
  void aFileWhereADirectoryIsToBeMadeIsNamedPlainly() throws IOException {
    Path file = Files.writeString(dir.resolve("reports"), "x");
    IOException inTheWay = null;
    try {
      Files.createDirectories(file);
    } catch (IOException e) {
      inTheWay = e;
    }
    // Before: "a file is in the way (a directory was needed, or it exists)".
    assertThat(FileSystemFailure.describe(inTheWay)).isEqualTo(file + ": exists and is not a directory");
  }

  @Test
  void postmortemHtmlWhereNoDirectoryCanBeMadeSaysWhy() throws IOException {
    // /proc refuses new directories, and java.nio reports that as only the path
    Path blocked = Path.of("/proc", "headroom-test-report");
    Path log = Files.writeString(dir.resolve("train.log"), "RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB"
        + " (GPU 0; 7.79 GiB total capacity; 6.10 GiB already allocated; 12.50 MiB free; 6.30 GiB reserved in total by PyTorch)\n");
    StringWriter err = new StringWriter();
    CommandLine cl = Headroom.newCommandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute("postmortem", "--no-progress", "--html", blocked.toString(), log.toString());
    assertThat(status).isEqualTo(2);
    // Before: "headroom: --html /proc/x: cannot write the report: /proc/x" and no reason.
    // root gets ENOENT from /proc, other users EACCES; either way the reason is named
    assertThat(err.toString()).contains("cannot write the report: " + blocked + ": ")
        .containsAnyOf("no such file or directory", "permission denied")
        .doesNotContain("\tat ");
  }
}
