package dev.headroom.analyzer.postmortem.log;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines of at most {@code maxChars} characters, so a log with a multi-GB line (a progress
 * bar redrawn with {@code \r}, binary garbage without newlines) never has to fit in memory. The
 * rest of an over-long line is skipped and counted. {@code \n}, {@code \r\n} and a lone {@code \r}
 * all end a line: tqdm bars redraw with {@code \r} and an OOM message often follows one. {@link
 * #lineNumber()} still counts only {@code \n}, so it matches what an editor shows.
 */
final class BoundedLineReader implements AutoCloseable {
  private final Reader in;
  private final int maxChars;
  private final char[] buf = new char[64 * 1024];
  private int pos;
  private int len;
  private boolean eof;
  private boolean skipLf;
  private long nextLine = 1;
  private long lineNumber;
  private long truncatedLines;
  private long nulChars;

  BoundedLineReader(Reader in, int maxChars) {
    this.in = in;
    this.maxChars = maxChars;
  }

  /** The next line without its terminator, or null at the end of input. */
  String readLine() throws IOException {
    StringBuilder sb = null;
    boolean any = false;
    boolean truncated = false;
    while (true) {
      if (pos == len && (eof || !fill())) {
        return any ? (sb == null ? "" : sb.toString()) : null;
      }
      if (skipLf) {
        skipLf = false;
        if (buf[pos] == '\n') {
          pos++;
          nextLine++;
          continue;
        }
      }
      if (!any) {
        lineNumber = nextLine;
        any = true;
      }
      // Scan a run of ordinary characters in one tight loop; copy it in one piece.
      int start = pos;
      while (pos < len) {
        char c = buf[pos];
        if (c == '\n' || c == '\r') {
          break;
        }
        if (c == 0) {
          nulChars++;
        }
        pos++;
      }
      int have = sb == null ? 0 : sb.length();
      int take = Math.min(pos - start, maxChars - have);
      boolean ends = pos < len;
      if (ends && sb == null && take == pos - start) {
        // The common case: the whole line sits in the buffer.
        String line = new String(buf, start, take);
        terminate();
        return line;
      }
      if (sb == null) {
        sb = new StringBuilder(Math.max(128, take));
      }
      if (take > 0) {
        sb.append(buf, start, take);
      }
      if (take < pos - start && !truncated) {
        truncated = true;
        truncatedLines++;
      }
      if (ends) {
        terminate();
        return sb.toString();
      }
    }
  }

  /** Consumes the terminator at {@code pos}: {@code \n} ends an editor line, {@code \r} may be followed by one. */
  private void terminate() {
    if (buf[pos++] == '\n') {
      nextLine++;
    } else {
      skipLf = true;
    }
  }

  private boolean fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      eof = true;
      return false;
    }
    pos = 0;
    len = n;
    return true;
  }

  /** The 1-based editor line (counting {@code \n} only) of the last line returned. */
  long lineNumber() {
    return lineNumber;
  }

  /** Lines longer than the limit, whose tails were skipped. */
  long truncatedLines() {
    return truncatedLines;
  }

  /** NUL characters seen: a text log has none, so many of them mean binary input. */
  long nulChars() {
    return nulChars;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
