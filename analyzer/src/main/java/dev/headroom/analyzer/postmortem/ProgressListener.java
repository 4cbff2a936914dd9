package dev.headroom.analyzer.postmortem;

/**
 * Told how far a long read has got, so a terminal can draw a bar. Called from the reading thread,
 * at most every few hundred KiB, never per line.
 */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (done, total) -> {};

  /**
   * @param doneBytes bytes consumed so far
   * @param totalBytes the input's size, or -1 when unknown (a pipe)
   */
  void progress(long doneBytes, long totalBytes);
}
