package dev.headroom.analyzer.postmortem.snapshot;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Buffered input that knows its byte offset (for error messages) and how much is left. */
final class PositionStream extends FilterInputStream {
  private final long sizeBytes;
  private long position;
  private long markPosition;

  /** @param sizeBytes total size when known, else -1 */
  PositionStream(InputStream in, long sizeBytes) {
    super(new BufferedInputStream(in, 64 * 1024));
    this.sizeBytes = sizeBytes;
  }

  long position() {
    return position;
  }

  /** Bytes not yet read, or -1 when the size is unknown. */
  long remaining() {
    return sizeBytes < 0 ? -1 : sizeBytes - position;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      position++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = super.skip(n);
    position += s;
    return s;
  }

  @Override
  public synchronized void mark(int readlimit) {
    super.mark(readlimit);
    markPosition = position;
  }

  @Override
  public synchronized void reset() throws IOException {
    super.reset();
    position = markPosition;
  }
}
