package dev.headroom.agent.attribution;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * The real process table, through OSHI. One lookup reads several {@code /proc/<pid>} files, which
 * is why {@link CachingProcessAttributor} keeps the answers. Thread-safe (OSHI's {@code
 * getProcess} builds a fresh object per call).
 */
public final class OshiProcessTable implements ProcessTable {
  private final OperatingSystem os;

  public OshiProcessTable() {
    this.os = new SystemInfo().getOperatingSystem();
  }

  @Override
  public Optional<ProcessFacts> find(long pid) {
    if (pid <= 0 || pid > Integer.MAX_VALUE) {
      return Optional.empty();
    }
    OSProcess p = os.getProcess((int) pid);
    if (p == null || p.getState() == OSProcess.State.INVALID) {
      return Optional.empty();
    }
    long startMillis = p.getStartTime();
    long rss = p.getResidentSetSize();
    return Optional.of(
        new ProcessFacts(
            p.getName(),
            nonBlank(p.getCommandLine()),
            nonBlank(p.getUser()).filter(u -> !u.equals("unknown")),
            startMillis > 0 ? Optional.of(Instant.ofEpochMilli(startMillis)) : Optional.empty(),
            rss > 0 ? OptionalLong.of(rss) : OptionalLong.empty()));
  }

  private static Optional<String> nonBlank(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
  }
}
