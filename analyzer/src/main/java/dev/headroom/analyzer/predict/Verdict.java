package dev.headroom.analyzer.predict;

/** Where a predicted peak lands against the GPU's usable memory. */
public enum Verdict implements Labeled {
  FITS("fits"),
  /** At or above the danger threshold (90 % of usable by default) but not above usable. */
  DANGER("danger"),
  OOM("oom");

  /** The default danger threshold as a fraction of usable memory (the seeds' "90 % zone"). */
  public static final double DANGER_RATIO = 0.90;

  private final String label;

  Verdict(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }

  public static Verdict of(double ratio) {
    if (ratio > 1.0) {
      return OOM;
    }
    return ratio >= DANGER_RATIO ? DANGER : FITS;
  }
}
