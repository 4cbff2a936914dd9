package dev.headroom.analyzer.postmortem.log;

/**
 * What a scan of one log read, beside the events it found.
 *
 * @param lines lines read
 * @param bytes bytes read
 * @param events OOM events found
 * @param truncatedLines lines longer than {@link OomLogScanner#MAX_LINE_CHARS}, whose tails were skipped
 * @param nulChars NUL characters seen (text logs have none)
 */
public record ScanSummary(String source, long lines, long bytes, int events, long truncatedLines, long nulChars) {

  /** More than a few NULs: this is not a text log (a pickle, a core dump, a recording segment). */
  public boolean looksBinary() {
    return nulChars > 16;
  }
}
