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
    StringBuilder sb = new StringBuilder(128);
    boolean any = false;
    boolean truncated = false;
    while (true) {
      if (pos == len) {
        if (eof || !fill()) {
          return any ? sb.toString() : null;
        }
      }
      char c = buf[pos++];
      if (skipLf) {
        skipLf = false;
        if (c == '\n') {
          nextLine++;
          continue;
        }
      }
      if (!any) {
        lineNumber = nextLine;
      }
      any = true;
      if (c == '\n') {
        nextLine++;
        return sb.toString();
      }
      if (c == '\r') {
        skipLf = true;
        return sb.toString();
      }
      if (c == 0) {
        nulChars++;
      }
      if (sb.length() < maxChars) {
        sb.append(c);
      } else if (!truncated) {
        truncated = true;
        truncatedLines++;
      }
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
