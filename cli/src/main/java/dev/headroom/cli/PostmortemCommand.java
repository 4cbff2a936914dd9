package dev.headroom.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.analyzer.postmortem.ProgressListener;
import dev.headroom.analyzer.postmortem.TerminalSummary;
import dev.headroom.analyzer.postmortem.log.OomEvent;
import dev.headroom.analyzer.postmortem.log.OomEventJson;
import dev.headroom.analyzer.postmortem.log.OomLogScanner;
import dev.headroom.analyzer.postmortem.log.ScanSummary;
import dev.headroom.analyzer.postmortem.recording.RecordingAnalyzer;
import dev.headroom.analyzer.postmortem.recording.RecordingReport;
import dev.headroom.analyzer.postmortem.recording.RecordingReportJson;
import dev.headroom.analyzer.postmortem.snapshot.AllocatorSnapshot;
import dev.headroom.analyzer.postmortem.snapshot.SnapshotAnalyzer;
import dev.headroom.analyzer.postmortem.snapshot.SnapshotFormatException;
import dev.headroom.analyzer.postmortem.snapshot.SnapshotReader;
import dev.headroom.analyzer.postmortem.snapshot.SnapshotReport;
import dev.headroom.analyzer.postmortem.snapshot.SnapshotReportJson;
import dev.headroom.collector.report.PostmortemFindings;
import dev.headroom.collector.report.PostmortemHtmlReport;
import dev.headroom.protocol.recording.RecordedObservation;
import dev.headroom.protocol.recording.RecordingProblem;
import dev.headroom.protocol.recording.RecordingReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code headroom postmortem INPUT...}: explains out-of-memory failures from training logs,
 * allocator snapshots and agent recordings. Wiring only: the analysis is in {@code
 * dev.headroom.analyzer.postmortem}.
 */
@Command(
    name = "postmortem",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Explain an out-of-memory failure from a training log, an allocator snapshot or a recording.",
    description = {
      "Explain an out-of-memory failure: why it happened (fragmentation, shortage, another"
          + " process, an allocator limit) and what to try next.",
      "",
      "Each INPUT is recognised by its content:",
      "* a training log (plain text or .gz): every OOM report in it (PyTorch CUDA/ROCm/MPS,"
          + " DeepSpeed, vLLM, bitsandbytes, JAX/XLA, TensorFlow, NCCL, cuBLAS, CuPy), read as a"
          + " stream, of any size;",
      "* an allocator snapshot pickle from torch.cuda.memory._dump_snapshot(), read safely: a"
          + " pickle that asks for any class is refused;",
      "* an agent recording directory (or one .hrec segment): the peak per GPU and who held it,"
          + " the baseline trend, the allocator's own statistics, prediction vs observed.",
      "",
      "Exit status: 0 when every input was analysed; 2 when an input could not be used (the"
          + " other inputs are still analysed and printed).",
      ""
    })
final class PostmortemCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Log files, snapshot pickles, recording directories.")
  List<Path> inputs;

  @Option(
      names = "--json",
      description =
          "Print JSON, one object per line, instead of the summary. Logs: one object per OOM"
              + " event with exactly source, line, framework, gpu_index, tried_to_allocate_bytes,"
              + " total_capacity_bytes, free_bytes, allocated_by_framework_bytes,"
              + " reserved_unallocated_bytes, process_count, verdict (absent values null, bytes as"
              + " numbers). Snapshots and recordings: one object each (docs/postmortem.md).")
  boolean json;

  @Option(
      names = "--html",
      paramLabel = "DIR",
      description =
          "Also write a self-contained report into DIR (created if needed): index.html and PNG"
              + " charts (memory over time with the 90%% line and capacity, the breakdown at each"
              + " OOM, fragmentation).")
  Path htmlDir;

  @Option(
      names = "--top",
      paramLabel = "N",
      defaultValue = "10",
      description = "Largest live allocations listed per snapshot (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(
      names = "--last-events",
      paramLabel = "N",
      defaultValue = "20",
      description = "Last allocator trace events listed per snapshot (default: ${DEFAULT-VALUE}).")
  int lastEvents;

  @Option(
      names = "--no-progress",
      description = "Never draw the progress bar. It is drawn on stderr only when a terminal is attached.")
  boolean noProgress;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final List<OomEvent> allEvents = new ArrayList<>();
  private final List<SnapshotReport> allSnapshots = new ArrayList<>();
  private final List<RecordingReport> allRecordings = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  private final ObjectMapper mapper =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  @Override
  public Integer call() {
    if (top < 0 || lastEvents < 0) {
      throw new UserInputException("--top and --last-events must be 0 or more");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int failed = 0;
    for (Path input : inputs) {
      try {
        analyse(input, out, err);
      } catch (UserInputException e) {
        // One bad input must not hide the analysis of the others.
        err.println("headroom: " + e.getMessage());
        problems.add(e.getMessage());
        failed++;
      }
      out.flush();
      err.flush();
    }
    if (htmlDir != null) {
      writeHtml(err);
    }
    if (failed > 0 && inputs.size() > 1) {
      err.println("headroom: " + failed + " of " + inputs.size() + " inputs could not be analysed");
    }
    err.flush();
    return failed > 0 ? Headroom.EXIT_USAGE : 0;
  }

  private void analyse(Path input, PrintWriter out, PrintWriter err) {
    switch (PostmortemInput.detect(input)) {
      case LOG -> log(input, false, out, err);
      case GZIP_LOG -> log(input, true, out, err);
      case SNAPSHOT -> snapshot(input, out);
      case RECORDING_DIRECTORY, RECORDING_SEGMENT -> recording(input, out, err);
    }
  }

  private void log(Path input, boolean gzip, PrintWriter out, PrintWriter err) {
    long size = sizeOf(input);
    TerminalProgressBar bar = progressBar(input, err);
    ProgressListener progress = bar != null ? bar : ProgressListener.NONE;
    List<OomEvent> events = new ArrayList<>();
    ScanSummary summary;
    try (InputStream raw = Files.newInputStream(input);
        InputStream in = gzip ? new GZIPInputStream(raw, 64 * 1024) : raw) {
      // Events are printed as they are found so a multi-GB log shows results early.
      summary = new OomLogScanner().scan(in, input.toString(), gzip ? -1 : size, progress, e -> {
        if (bar != null) {
          bar.clear();
        }
        print(out, e);
        events.add(e);
        allEvents.add(e);
      });
    } catch (EOFException e) {
      // "Unexpected end of ZLIB input stream" said nothing about the file: it was cut short
      throw new UserInputException(input + ": the gzip data ends early (a truncated .gz, or one still being written);"
          + " OOM reports before the cut are printed above");
    } catch (ZipException e) {
      throw new UserInputException(input + ": corrupt gzip data (" + e.getMessage() + ");"
          + " OOM reports before the damage are printed above");
    } catch (IOException e) {
      throw new UserInputException(input + ": cannot read the log: " + e.getMessage());
    } finally {
      if (bar != null) {
        bar.clear();
      }
    }
    if (summary.looksBinary()) {
      throw new UserInputException(input + ": binary data (" + summary.nulChars()
          + " NUL bytes), not a text log");
    }
    if (summary.truncatedLines() > 0) {
      err.println("headroom: warning: " + input + ": " + summary.truncatedLines() + " lines longer than "
          + OomLogScanner.MAX_LINE_CHARS + " characters were cut there");
    }
    if (events.isEmpty() && !json) {
      out.print(TerminalSummary.noEvents(summary));
    }
  }

  private void print(PrintWriter out, OomEvent e) {
    if (json) {
      out.println(write(OomEventJson.toJson(e)));
    } else {
      out.println(TerminalSummary.event(e));
    }
    out.flush();
  }

  private void snapshot(Path input, PrintWriter out) {
    AllocatorSnapshot snapshot;
    try (InputStream in = Files.newInputStream(input)) {
      snapshot = SnapshotReader.read(in, sizeOf(input), input.toString());
    } catch (SnapshotFormatException e) {
      throw new UserInputException(e.getMessage());
    } catch (IOException e) {
      throw new UserInputException(input + ": cannot read the snapshot: " + e.getMessage());
    }
    SnapshotReport report = new SnapshotAnalyzer(top, lastEvents).analyze(snapshot, input.toString());
    allSnapshots.add(report);
    if (json) {
      out.println(write(SnapshotReportJson.toJson(report)));
    } else {
      out.println(TerminalSummary.snapshot(report));
    }
  }

  private void recording(Path input, PrintWriter out, PrintWriter err) {
    RecordingAnalyzer analyzer = new RecordingAnalyzer();
    List<RecordingProblem> problems;
    try (RecordingReader reader =
        Files.isDirectory(input) ? RecordingReader.open(input) : RecordingReader.of(List.of(input))) {
      for (Optional<RecordedObservation> o = reader.next(); o.isPresent(); o = reader.next()) {
        analyzer.accept(o.get().observation());
      }
      problems = reader.problems();
    } catch (IOException | UncheckedIOException e) {
      throw new UserInputException(input + ": cannot read the recording: " + e.getMessage());
    }
    for (RecordingProblem p : problems) {
      // A torn tail is what a SIGKILL leaves: say so, keep everything before it.
      err.println("headroom: warning: skipped " + p);
      analyzer.problem(p.toString());
    }
    RecordingReport report = analyzer.report(input.toString());
    if (report.observations() == 0) {
      throw new UserInputException(input + ": no readable observations in the recording"
          + (problems.isEmpty() ? "" : " (" + problems.size() + " problems, first: " + problems.get(0) + ")"));
    }
    allRecordings.add(report);
    if (json) {
      out.println(write(RecordingReportJson.toJson(report)));
    } else {
      out.println(TerminalSummary.recording(report));
    }
  }

  private void writeHtml(PrintWriter err) {
    try {
      List<Path> files = PostmortemHtmlReport.write(
          htmlDir, new PostmortemFindings(allEvents, allSnapshots, allRecordings, problems));
      err.println("headroom: wrote " + files.get(0) + " and " + (files.size() - 1) + " chart(s)");
    } catch (IOException e) {
      throw new UserInputException("--html " + htmlDir + ": cannot write the report: " + FileSystemFailure.describe(e));
    }
  }

  private TerminalProgressBar progressBar(Path input, PrintWriter err) {
    if (noProgress || System.console() == null) {
      return null;
    }
    return new TerminalProgressBar(err, input.getFileName().toString(), System::nanoTime);
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  private String write(ObjectNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("JSON of an in-memory tree cannot fail", e);
    }
  }
}
