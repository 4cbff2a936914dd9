package dev.headroom.analyzer.postmortem.snapshot;

/** One stack frame recorded with an allocation (Python or C++; C++ frames have filename "??"). */
public record Frame(String filename, long line, String name) {

  public boolean isPython() {
    return filename.endsWith(".py");
  }

  @Override
  public String toString() {
    return name + " (" + filename + ":" + line + ")";
  }
}
