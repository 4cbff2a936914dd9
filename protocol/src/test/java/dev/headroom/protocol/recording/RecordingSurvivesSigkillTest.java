package dev.headroom.protocol.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer process killed with SIGKILL in the middle of writing: everything it wrote before is
 * readable, in order and without gaps, and at most the one record being written is lost (reported
 * as a torn tail).
 */
class RecordingSurvivesSigkillTest {

  @TempDir Path dir;

  @Test
  void sigkilledWriterLosesAtMostTheRecordBeingWritten() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        RecordingWriterChild.class.getName(), dir.toString())
        .redirectErrorStream(true)
        .start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("written 200");
      Thread.sleep(50); // let it get well into writing more segments
      child.destroyForcibly(); // SIGKILL on Unix
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }

    try (RecordingReader r = RecordingReader.open(dir)) {
      List<RecordedObservation> back = r.readAll();

      assertThat(back.size()).isGreaterThan(200);
      for (int i = 0; i < back.size(); i++) {
        assertThat(back.get(i).sequence()).isEqualTo(i + 1);
      }
      assertThat(r.problems()).hasSizeLessThanOrEqualTo(1)
          .allSatisfy(p -> assertThat(p.kind()).isEqualTo(RecordingProblem.Kind.TORN_TAIL));
    }
  }
}
