package dev.headroom.analyzer.postmortem.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mangled real messages must never throw: a log is outside input, and anything may be in it. */
class OomLogScannerFuzzTest {

  private static final String DIGITS_AND_UNITS = "0123456789.,- ;()GiBMKTbytes";

  @Test
  void mangledMessagesNeverThrow() throws IOException {
    List<String> seeds = List.of("030-pytorch.txt", "012-pytorch.txt", "053-pytorch-mps.txt", "073-vllm.txt",
        "086-jax.txt", "094-tensorflow.txt", "106-cupy.txt", "089-jax.txt");
    Random random = new Random(42);
    int events = 0;
    for (String seed : seeds) {
      String text;
      try (InputStream in = ExpectedFixturesTest.resource(seed)) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      for (int round = 0; round < 150; round++) {
        StringBuilder sb = new StringBuilder(text);
        for (int i = 0; i < 1 + random.nextInt(6); i++) {
          int at = random.nextInt(sb.length());
          switch (random.nextInt(4)) {
            case 0 -> sb.setCharAt(at, DIGITS_AND_UNITS.charAt(random.nextInt(DIGITS_AND_UNITS.length())));
            case 1 -> sb.insert(at, "9".repeat(1 + random.nextInt(40)));
            case 2 -> sb.insert(at, '\n');
            default -> sb.deleteCharAt(at);
          }
        }
        events += new OomLogScanner().scanAll(
            new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)), seed).size();
      }
    }
    assertThat(events).as("most mangled copies still hold a report").isGreaterThan(600);
  }
}
