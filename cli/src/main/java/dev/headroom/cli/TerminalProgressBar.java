package dev.headroom.cli;

import dev.headroom.analyzer.postmortem.ByteCount;
import dev.headroom.analyzer.postmortem.ProgressListener;
import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on stderr, redrawn with {@code \r} at most every 100 ms. Used only when
 * stderr is a terminal, so logs and pipes never receive control characters.
 */
final class TerminalProgressBar implements ProgressListener {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter err;
  private final String label;
  private final LongSupplier nanoTime;
  private long lastDraw = Long.MIN_VALUE;
  private boolean drawn;

  TerminalProgressBar(PrintWriter err, String label, LongSupplier nanoTime) {
    this.err = err;
    this.label = label;
    this.nanoTime = nanoTime;
  }

  @Override
  public void progress(long doneBytes, long totalBytes) {
    long now = nanoTime.getAsLong();
    if (drawn && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    drawn = true;
    err.print('\r');
    err.print(render(doneBytes, totalBytes));
    err.flush();
  }

  String render(long doneBytes, long totalBytes) {
    if (totalBytes <= 0) {
      return label + "  " + ByteCount.human(doneBytes);
    }
    double f = Math.min(1.0, (double) doneBytes / totalBytes);
    int filled = (int) Math.round(f * WIDTH);
    return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
        + String.format("%3d%%", Math.round(f * 100)) + "  " + ByteCount.human(doneBytes) + " / "
        + ByteCount.human(totalBytes) + "  " + label;
  }

  /** Wipes the bar so the summary starts on a clean line. */
  void clear() {
    if (drawn) {
      err.print("\r" + " ".repeat(WIDTH + 60 + label.length()) + "\r");
      err.flush();
    }
  }
}
