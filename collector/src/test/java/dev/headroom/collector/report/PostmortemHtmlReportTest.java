package dev.headroom.collector.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.analyzer.postmortem.log.OomEvent;
import dev.headroom.analyzer.postmortem.log.OomLogScanner;
import dev.headroom.analyzer.postmortem.recording.RecordingAnalyzer;
import dev.headroom.analyzer.postmortem.snapshot.AllocatorSnapshot;
import dev.headroom.analyzer.postmortem.snapshot.Block;
import dev.headroom.analyzer.postmortem.snapshot.BlockState;
import dev.headroom.analyzer.postmortem.snapshot.Segment;
import dev.headroom.analyzer.postmortem.snapshot.SnapshotAnalyzer;
import dev.headroom.analyzer.postmortem.snapshot.SnapshotReport;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostmortemHtmlReportTest {

  @TempDir Path dir;

  @Test
  void writesIndexAndOneReadablePngPerChart() throws IOException {
    List<OomEvent> events = new OomLogScanner().scanAll(new ByteArrayInputStream((
        "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of"
            + " 79.15 GiB of which 1.19 GiB is free. Process 4123 has 38.00 GiB memory in use. Of the allocated"
            + " memory 37.10 GiB is allocated by PyTorch, and 1.35 GiB is reserved by PyTorch but unallocated.\n"
            + "CUDA error: out of memory <script>\n").getBytes(StandardCharsets.UTF_8)), "train<1>.log");
    assertThat(events).hasSize(2);

    long mib = 1L << 20;
    Segment seg = new Segment(0, 0x1000, 64 * mib, 40 * mib, 40 * mib, 40 * mib, 0, "large", Optional.empty(), false,
        List.of(new Block(OptionalLong.of(0x1000), 40 * mib, 40 * mib, BlockState.ACTIVE_ALLOCATED, List.of()),
            new Block(OptionalLong.empty(), 24 * mib, 24 * mib, BlockState.INACTIVE, List.of())));
    SnapshotReport snapshot = new SnapshotAnalyzer().analyze(
        new AllocatorSnapshot(List.of(seg), List.of(), 1, Optional.empty()), "snap.pickle");

    RecordingAnalyzer rec = new RecordingAnalyzer();
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    rec.accept(new RunSpecDeclared(t0, "run-1", 7, "{\"model\":\"llama-3-8b\"}"));
    for (int s = 0; s < 100; s++) {
      long used = (40L << 30) + s * mib;
      rec.accept(new DeviceReport("node1", "GPU-a", 0, "H100", t0.plusSeconds(s), t0.plusSeconds(s + 1), 5,
          DeviceState.OK, 80L << 30, 1L << 30, Stats.of(used),
          List.of(new ProcessReport(7, Optional.of("python"), Optional.empty(), Optional.empty(), Stats.of(used), true)),
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty()));
    }

    // Kept under the build folder for people to look at (the pom sets headroom.testOutput).
    String keep = System.getProperty("headroom.testOutput");
    Path out = keep != null ? Path.of(keep, "postmortem-report") : dir.resolve("report");
    List<Path> files = PostmortemHtmlReport.write(out, new PostmortemFindings(
        events, List.of(snapshot), List.of(rec.report("rec-dir")), List.of("bad.pickle: refused")));

    assertThat(files.get(0).getFileName().toString()).isEqualTo("index.html");
    // One breakdown (the second event has no numbers), one fragmentation, one memory chart.
    assertThat(files).hasSize(4);
    String html = Files.readString(files.get(0));
    for (Path png : files.subList(1, files.size())) {
      assertThat(html).contains("src=\"" + png.getFileName() + "\"");
      BufferedImage image = ImageIO.read(png.toFile());
      assertThat(image).as(png.toString()).isNotNull();
      assertThat(image.getWidth()).isEqualTo(PostmortemCharts.WIDTH);
      assertThat(image.getHeight()).isEqualTo(PostmortemCharts.HEIGHT);
    }
    assertThat(html).contains("other-process").contains("train&lt;1&gt;.log:1").doesNotContain("<script>")
        .contains("&lt;script&gt;").contains("Next step").contains("bad.pickle: refused")
        .contains("pid 7 (python)").contains("Predicted device peak per GPU").contains("What would have fit").doesNotContain("http://").doesNotContain("https://");
  }
}
