package dev.headroom.collector.runs;

/** Where a run's id came from. */
public enum RunKeySource {
  /** A run spec declared it (the reporter, or the agent's {@code --run-id}). */
  DECLARED,
  /** Nothing declared a run: the id is host + GPU + process. */
  PROCESS
}
