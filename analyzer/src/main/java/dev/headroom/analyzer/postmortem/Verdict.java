package dev.headroom.analyzer.postmortem;

/** Why an allocation failed, as far as the evidence tells (docs/postmortem.md explains each). */
public enum Verdict {
  /** The allocator held enough reserved-but-unallocated memory for the request, just not in one piece. */
  FRAGMENTATION("fragmentation"),
  /** The work simply needs more memory than the device had. */
  SHORTAGE("shortage"),
  /** Another process held a large share of the device. */
  OTHER_PROCESS("other-process"),
  /** A configured cap (per-process memory fraction, MPS watermark) was hit before the device was full. */
  ALLOCATOR_LIMIT("allocator-limit"),
  /** The message carries too few numbers to tell. */
  UNKNOWN("unknown");

  private final String id;

  Verdict(String id) {
    this.id = id;
  }

  /** The name used in JSON and on the terminal. */
  public String id() {
    return id;
  }
}
