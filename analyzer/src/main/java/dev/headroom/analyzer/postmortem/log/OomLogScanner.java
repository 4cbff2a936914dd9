package dev.headroom.analyzer.postmortem.log;

import dev.headroom.analyzer.postmortem.ProgressListener;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Finds every out-of-memory report in a log, streaming: one line at a time, with a look-ahead of
 * {@link #LOOK_AHEAD_LINES} lines for messages wrapped over several lines and a merge window of
 * {@link #MERGE_WINDOW_LINES} lines in which a repeat of the same report (the message logged and
 * then raised, TensorFlow's BFC line + stats dump + exception) is folded into one event. Memory use
 * is bounded by the window, never by the file. Not thread-safe; one scanner per scan.
 */
public final class OomLogScanner {

  public static final int LOOK_AHEAD_LINES = 8;
  public static final int MERGE_WINDOW_LINES = 200;
  public static final int MAX_LINE_CHARS = 16 * 1024;
  /** Joined report text is capped too, so a dump of long lines cannot grow it without bound. */
  static final int MAX_REPORT_CHARS = 8 * 1024;
  private static final long PROGRESS_EVERY_BYTES = 512 * 1024;

  /**
   * Scans {@code in} (UTF-8; bad bytes are replaced, not fatal) and hands each event to {@code
   * sink} as soon as its merge window has passed.
   *
   * @param totalBytes the input's size for progress, or -1
   */
  public ScanSummary scan(
      InputStream in, String source, long totalBytes, ProgressListener progress, Consumer<OomEvent> sink)
      throws IOException {
    CountingStream counted = new CountingStream(in);
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    Scan scan = new Scan(source, sink);
    long nextProgress = PROGRESS_EVERY_BYTES;
    try (BoundedLineReader reader =
        new BoundedLineReader(new InputStreamReader(counted, decoder), MAX_LINE_CHARS)) {
      String line;
      while ((line = reader.readLine()) != null) {
        scan.accept(reader.lineNumber(), line);
        if (counted.count >= nextProgress) {
          progress.progress(counted.count, totalBytes);
          nextProgress = counted.count + PROGRESS_EVERY_BYTES;
        }
      }
      scan.finish();
      progress.progress(counted.count, totalBytes);
      return new ScanSummary(
          source,
          reader.lineNumber(),
          counted.count,
          scan.emitted,
          reader.truncatedLines(),
          reader.nulChars());
    }
  }

  /** Convenience for tests and small inputs: all events in a list. */
  public List<OomEvent> scanAll(InputStream in, String source) throws IOException {
    List<OomEvent> out = new ArrayList<>();
    scan(in, source, -1, ProgressListener.NONE, out::add);
    return out;
  }

  /** One scan's state: the report being collected and the event still open for merging. */
  private static final class Scan {
    private final String source;
    private final Consumer<OomEvent> sink;
    private final FrameworkContext context = new FrameworkContext();
    private Pending pending;
    private Open open;
    int emitted;

    Scan(String source, Consumer<OomEvent> sink) {
      this.source = source;
      this.sink = sink;
    }

    void accept(long lineNo, String raw) {
      int marks = LineMarks.scan(raw, context.known());
      context.observe(lineNo, raw, marks);
      Optional<Trigger.Hit> hit = (marks & LineMarks.TRIGGER) != 0 ? Trigger.find(raw) : Optional.empty();
      if (pending != null) {
        String continuation = LinePrefixes.strip(raw);
        if (hit.isEmpty() && !continuation.isEmpty() && pending.linesLeft > 0) {
          pending.append(continuation);
        } else {
          finishPending();
        }
      }
      if (hit.isPresent()) {
        finishPending();
        Trigger t = hit.get().trigger();
        Framework fw =
            t.kind() == ReportKind.BFC_ALLOCATOR ? context.bfcOwner(raw) : t.framework();
        int start = hit.get().start();
        pending = new Pending(
            lineNo, t.kind(), fw, hit.get().phrase(), headOf(raw, start), raw.substring(start));
      }
      if (open != null && pending == null && lineNo - open.lastLine > MERGE_WINDOW_LINES) {
        emitOpen();
      }
    }

    void finish() {
      finishPending();
      emitOpen();
    }

    /** At most the last 200 characters before the trigger: enough for a device tag. */
    private static String headOf(String raw, int triggerStart) {
      return raw.substring(Math.max(0, triggerStart - 200), triggerStart);
    }

    private void finishPending() {
      if (pending == null) {
        return;
      }
      Pending p = pending;
      pending = null;
      OomFields fields = ReportShapes.extract(p.kind, p.framework, p.head, p.text.toString());
      if (open != null && open.fields.compatibleWith(fields) && p.line - open.lastLine <= MERGE_WINDOW_LINES) {
        // The same phrase again is a repeat; another phrase completes the report (TensorFlow's
        // stats dump and exception after its BFC line).
        if (p.phrase.equals(open.phrase)) {
          open.repeats++;
        }
        open.fields.absorb(fields);
        open.lastLine = p.line;
        return;
      }
      emitOpen();
      open = new Open(p.line, p.phrase, fields, p.excerpt());
    }

    private void emitOpen() {
      if (open == null) {
        return;
      }
      OomFields f = open.fields;
      if (f.framework == Framework.PYTORCH) {
        f.framework = context.refinePytorch();
      }
      if (f.framework == Framework.DEEPSPEED && f.allocated == null) {
        // A bare "CUDA error: out of memory" under DeepSpeed: its last memory report is the best figure.
        context.lastDeepSpeedUsage().filter(u -> u.line() <= open.firstLine).ifPresent(u -> {
          f.allocated = u.allocated();
          f.reservedUnallocated = u.reserved().minus(u.allocated());
          f.anomalies.add("allocated and reserved are from DeepSpeed's see_memory_usage at line " + u.line()
              + ", not from the failure itself");
        });
      }
      var judgement = OomVerdicts.judge(f);
      List<String> anomalies = new ArrayList<>(f.anomalies);
      anomalies.addAll(OomVerdicts.anomalies(f));
      sink.accept(
          new OomEvent(
              source,
              open.firstLine,
              open.repeats,
              f.framework,
              f.gpuIndex == null ? OptionalInt.empty() : OptionalInt.of(f.gpuIndex),
              OomFields.opt(f.tried),
              OomFields.opt(f.total),
              OomFields.opt(f.free),
              OomFields.opt(f.allocated),
              OomFields.opt(f.reservedUnallocated),
              OomFields.opt(f.allowedLimit),
              f.processes,
              f.processListPresent,
              judgement.verdict(),
              judgement.reason(),
              judgement.nextStep(),
              anomalies,
              open.excerpt));
      emitted++;
      open = null;
    }
  }

  private static final class Pending {
    final long line;
    final ReportKind kind;
    final Framework framework;
    final String phrase;
    final String head;
    final StringBuilder text;
    int linesLeft = LOOK_AHEAD_LINES;

    Pending(long line, ReportKind kind, Framework framework, String phrase, String head, String first) {
      this.line = line;
      this.phrase = phrase;
      this.head = head;
      this.kind = kind;
      this.framework = framework;
      this.text = new StringBuilder(first.length() < MAX_REPORT_CHARS ? first : first.substring(0, MAX_REPORT_CHARS));
    }

    void append(String continuation) {
      linesLeft--;
      if (text.length() + continuation.length() + 1 <= MAX_REPORT_CHARS) {
        text.append(' ').append(continuation);
      }
    }

    String excerpt() {
      String s = text.toString().strip();
      return s.length() <= 240 ? s : s.substring(0, 237) + "...";
    }
  }

  private static final class Open {
    final long firstLine;
    final String phrase;
    final OomFields fields;
    final String excerpt;
    long lastLine;
    int repeats = 1;

    Open(long firstLine, String phrase, OomFields fields, String excerpt) {
      this.firstLine = firstLine;
      this.phrase = phrase;
      this.fields = fields;
      this.excerpt = excerpt;
      this.lastLine = firstLine;
    }
  }

  /** Counts bytes as they are read, for the progress callback. */
  private static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
