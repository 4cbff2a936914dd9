package dev.headroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.protocol.recording.RecordingLimits;
import dev.headroom.protocol.recording.RollingRecordingWriter;
import dev.headroom.protocol.recording.SegmentIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PostmortemCommandTest {

  @TempDir Path dir;

  record Run(int status, String out, String err) {
    List<JsonNode> jsonLines() throws IOException {
      List<JsonNode> nodes = new ArrayList<>();
      for (String line : out.lines().toList()) {
        nodes.add(new ObjectMapper().readTree(line));
      }
      return nodes;
    }
  }

  static Run run(String... args) {
    CommandLine cl = Headroom.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int status = cl.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  Path resource(String name) throws IOException {
    Path p = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/postmortem/" + name)) {
      assertThat(in).as(name).isNotNull();
      Files.copy(in, p);
    }
    return p;
  }

  @Test
  void jsonHasExactlyTheIssueKeysOneObjectPerEventAcrossFiles() throws IOException {
    Path a = resource("030-pytorch.txt");
    Path b = resource("073-vllm.txt");
    Run r = run("postmortem", "--json", a.toString(), b.toString());
    assertThat(r.status()).as(r.err()).isZero();
    List<JsonNode> lines = r.jsonLines();
    assertThat(lines).hasSize(2);
    for (JsonNode n : lines) {
      List<String> keys = new ArrayList<>();
      n.fieldNames().forEachRemaining(keys::add);
      assertThat(keys).containsExactly("source", "line", "framework", "gpu_index", "tried_to_allocate_bytes",
          "total_capacity_bytes", "free_bytes", "allocated_by_framework_bytes", "reserved_unallocated_bytes",
          "process_count", "verdict");
    }
    JsonNode first = lines.get(0);
    assertThat(first.get("source").asText()).isEqualTo(a.toString());
    assertThat(first.get("line").asInt()).isEqualTo(2);
    assertThat(first.get("tried_to_allocate_bytes").isIntegralNumber()).isTrue();
    assertThat(first.get("tried_to_allocate_bytes").asLong()).isEqualTo(33554432L);
    assertThat(first.get("free_bytes").decimalValue()).isEqualByComparingTo("43578818.56");
    assertThat(first.get("process_count").asInt()).isEqualTo(1);
    JsonNode vllm = lines.get(1);
    assertThat(vllm.get("framework").asText()).isEqualTo("vllm");
    assertThat(vllm.get("gpu_index").isNull()).isTrue();
    assertThat(vllm.get("tried_to_allocate_bytes").isNull()).isTrue();
    assertThat(vllm.get("verdict").asText()).isEqualTo("other-process");
  }

  @Test
  void terminalSummaryNamesVerdictAndNextStepAndReadsGzip() throws IOException {
    Path gz = dir.resolve("train.log.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(("[rank0]: RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 7.79 GiB total"
          + " capacity; 6.10 GiB already allocated; 12.50 MiB free; 6.30 GiB reserved in total by PyTorch)\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    Run r = run("postmortem", gz.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains(gz + ":1").contains("verdict: fragmentation").contains("next step:")
        .contains("expandable_segments:True").contains("20.00 MiB");
    assertThat(r.err()).as("no bar without a terminal").isEmpty();
  }

  @Test
  void aTruncatedGzipSaysSoAndKeepsTheReportsBeforeTheCut() throws IOException {
    Path whole = dir.resolve("whole.log.gz");
    java.util.Random random = new java.util.Random(7);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(whole))) {
      out.write(("RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 7.79 GiB total"
          + " capacity; 6.10 GiB already allocated; 12.50 MiB free; 6.30 GiB reserved in total by PyTorch)\n")
          .getBytes(StandardCharsets.UTF_8));
      // poorly compressible filler, so that cutting the file in half cuts the text, not only the trailer
      for (int line = 0; line < 20_000; line++) {
        StringBuilder sb = new StringBuilder("step ").append(line).append(' ');
        for (int c = 0; c < 40; c++) {
          sb.append((char) ('a' + random.nextInt(26)));
        }
        out.write(sb.append('\n').toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(dir.resolve("cut.log.gz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Run r = run("postmortem", cut.toString());
    assertThat(r.status()).isEqualTo(2);
    // Before: "cannot read the log: Unexpected end of ZLIB input stream"
    assertThat(r.err()).startsWith("headroom: " + cut + ": the gzip data ends early").doesNotContain("ZLIB");
    assertThat(r.out()).contains(cut + ":1").contains("20.00 MiB");
  }

  @Test
  void snapshotJsonAndSummary() throws IOException {
    Path p = resource("synthetic-oom-fragmented.pickle");
    Run j = run("postmortem", "--json", p.toString());
    assertThat(j.status()).as(j.err()).isZero();
    JsonNode n = j.jsonLines().get(0);
    assertThat(n.get("source").asText()).isEqualTo(p.toString());
    assertThat(n.get("reserved_bytes").asLong()).isEqualTo(84L << 20);
    assertThat(n.get("allocated_bytes").asLong()).isEqualTo(52L << 20);
    assertThat(n.get("largest_free_block_bytes").asLong()).isEqualTo(24L << 20);
    assertThat(n.get("segments").asInt()).isEqualTo(2);
    assertThat(n.get("blocks").asInt()).isEqualTo(4);
    assertThat(n.get("verdict").asText()).isEqualTo("fragmentation");
    assertThat(n.get("oom").get("requested_bytes").asLong()).isEqualTo(30L << 20);

    Run t = run("postmortem", "--top", "1", resource("mlsys-profile-grad.pickle").toString());
    assertThat(t.status()).isZero();
    assertThat(t.out()).contains("reserved").contains("4.13 GiB").contains("largest live allocations")
        .contains("1.86 GiB").doesNotContain("953.99 MiB  ");
  }

  @Test
  void badInputsGetOneClearLineEachAndStatus2WhileGoodOnesAreStillAnalysed() throws IOException {
    Path hostile = resource("hostile-stack-global.pickle");
    Path empty = Files.createFile(dir.resolve("empty.log"));
    Path garbage = dir.resolve("core.bin");
    Files.write(garbage, new byte[] {0x7f, 'E', 'L', 'F', 0, 0, 1, 2, 3});
    Path truncated = dir.resolve("cut.pickle");
    byte[] whole = Files.readAllBytes(resource("mlsys-profile-grad.pickle"));
    Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
    Path good = resource("030-pytorch.txt");
    Path missing = dir.resolve("nope.log");
    Path checkpoint = dir.resolve("model.pickle");
    Files.write(checkpoint, new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0});

    Run r = run("postmortem", hostile.toString(), empty.toString(), garbage.toString(), truncated.toString(),
        missing.toString(), checkpoint.toString(), good.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.out()).contains(good + ":2");
    assertThat(r.err())
        .contains(hostile + ": the pickle asks for class posix.system")
        .contains(empty + ": empty file")
        .contains(garbage + ": binary data")
        .contains(truncated.toString())
        .contains(missing + ": no such file or directory")
        .contains(checkpoint + ": a zip archive (a torch.save() checkpoint?)")
        .contains("6 of 7 inputs could not be analysed")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void logWithoutOomSaysSo() throws IOException {
    Path p = dir.resolve("fine.log");
    Files.writeString(p, "step 1 loss 2.0\nstep 2 loss 1.9\n");
    Run r = run("postmortem", p.toString());
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("no out-of-memory report in 2 lines");
    assertThat(run("postmortem", "--json", p.toString()).out()).isEmpty();
  }

  @Test
  void recordingDirectoryAndATornTail() throws IOException {
    Path rec = dir.resolve("rec");
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    Iterator<Instant> clock = new Iterator<>() {
      Instant now = t0;
      @Override public boolean hasNext() { return true; }
      @Override public Instant next() { now = now.plusMillis(10); return now; }
    };
    InstantSource source = clock::next;
    try (RollingRecordingWriter w = new RollingRecordingWriter(rec,
        new SegmentIdentity("agent-1", "boot-1", "node1", t0), RecordingLimits.DEFAULT, source)) {
      for (int s = 0; s < 120; s++) {
        long used = (40L << 30) + s * (1L << 20);
        w.append(s + 1, new DeviceReport("node1", "GPU-aaa", 0, "NVIDIA A100", t0.plusSeconds(s), t0.plusSeconds(s + 1),
            10, DeviceState.OK, 80L << 30, 1L << 30, new Stats(used, used + (s == 100 ? 30L << 30 : 0), used),
            List.of(new ProcessReport(4242, Optional.of("python"), Optional.empty(), Optional.empty(), Stats.of(used), true)),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty()));
      }
    }
    Run r = run("postmortem", rec.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("recording: 120 observations").contains("GPU 0 NVIDIA A100")
        .contains("held mostly by pid 4242 (python)").contains("baseline trend +");

    // A SIGKILL mid-write leaves a partial record at the end of the newest segment.
    Path segment;
    try (var s = Files.list(rec)) {
      segment = s.filter(p -> p.toString().endsWith(".hrec")).sorted().reduce((x, y) -> y).orElseThrow();
    }
    Files.write(segment, new byte[] {0, 0, 1, 0, 42, 42}, StandardOpenOption.APPEND);
    Run torn = run("postmortem", "--json", rec.toString());
    assertThat(torn.status()).as(torn.err()).isZero();
    assertThat(torn.err()).contains("warning: skipped");
    JsonNode n = torn.jsonLines().get(0);
    assertThat(n.get("observations").asInt()).isEqualTo(120);
    assertThat(n.get("gpus").get(0).get("peak_holder_pid").asLong()).isEqualTo(4242);
    assertThat(n.get("problems")).hasSize(1);
  }

  @Test
  void aCollectorRunFolderNamesTheAgentLifeFoldersInsideIt() throws IOException {
    // The collector's layout: recordings/<run>/<agent>_<boot>/seg-….hrec
    Path run = dir.resolve("recordings").resolve("qa-run");
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    for (String boot : List.of("boot-1", "boot-2")) {
      try (RollingRecordingWriter w = new RollingRecordingWriter(run.resolve("node1_" + boot),
          new SegmentIdentity("node1", boot, "node1", t0), RecordingLimits.DEFAULT, () -> t0)) {
        w.append(1, new DeviceReport("node1", "GPU-aaa", 0, "NVIDIA A100", t0, t0.plusSeconds(1), 10,
            DeviceState.OK, 80L << 30, 1L << 30, Stats.of(40L << 30), List.of(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
      }
    }

    Run r = run("postmortem", run.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains(run + ": a directory without recording segments (*.hrec); 2 folders inside hold"
        + " recordings (one per agent life), give them instead: " + run.resolve("node1_boot-1") + " "
        + run.resolve("node1_boot-2"));
    Run recordings = run("postmortem", dir.resolve("recordings").toString());
    assertThat(recordings.err()).contains("give them instead: " + run.resolve("node1_boot-1"));
    assertThat(run("postmortem", run.resolve("node1_boot-2").toString()).status()).isZero();

    Path empty = Files.createDirectories(dir.resolve("nothing").resolve("inside"));
    assertThat(run("postmortem", empty.getParent().toString()).err())
        .contains(": a directory without recording segments (*.hrec)\n");
  }

  @Test
  void htmlReportBesideTheSummary() throws IOException {
    Path out = dir.resolve("report");
    Run r = run("postmortem", "--html", out.toString(), resource("030-pytorch.txt").toString(),
        resource("synthetic-oom-fragmented.pickle").toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("verdict: shortage").contains("verdict: fragmentation");
    assertThat(r.err()).contains("wrote " + out.resolve("index.html") + " and 2 chart(s)");
    assertThat(Files.readString(out.resolve("index.html"))).contains("030-pytorch.txt:2")
        .contains("chart-1-oom-breakdown.png").contains("chart-2-fragmentation.png");
    assertThat(Files.size(out.resolve("chart-2-fragmentation.png"))).isGreaterThan(1000);
  }

  @Test
  void helpExplainsEveryOption() {
    Run r = run("postmortem", "--help");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("--json").contains("--html").contains("--top").contains("--last-events").contains("--no-progress")
        .contains("Exit status");
  }

  @Test
  void progressBarRendering() {
    StringWriter sw = new StringWriter();
    long[] now = {0};
    TerminalProgressBar bar = new TerminalProgressBar(new PrintWriter(sw), "train.log", () -> now[0]);
    assertThat(bar.render(512L << 20, 1L << 30)).startsWith("[###############...............]  50%")
        .contains("512.00 MiB / 1.00 GiB");
    bar.progress(1, 100);
    bar.progress(2, 100); // within 100 ms: not redrawn
    now[0] = 200_000_000L;
    bar.progress(3, 100);
    assertThat(sw.toString().chars().filter(c -> c == '\r').count()).isEqualTo(2);
  }
}
