package dev.headroom.agent.attribution;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attribution with a cache: a known PID is looked up again only after {@code refresh} (default 5
 * s), so a 10 Hz sampler costs one process-table read per process every few seconds instead of ten
 * a second. A refresh also catches exit and PID reuse (a different start time means a different
 * process); within one refresh interval a reused PID still shows the old process.
 *
 * <p>When the agent cannot see the host's PIDs ({@link PidNamespace}), every PID is {@link
 * ProcessAttribution.Status#NOT_VISIBLE} and this is logged once, with what to do about it.
 *
 * <p>Thread-safe. Holds at most {@code maxEntries} PIDs, dropping the least recently asked.
 */
public final class CachingProcessAttributor implements ProcessAttributor {
  private static final Logger LOG = LoggerFactory.getLogger(CachingProcessAttributor.class);

  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_ENTRIES = 4096;

  private final ProcessTable table;
  private final Path procRoot;
  private final PidNamespace namespace;
  private final InstantSource clock;
  private final Duration refresh;
  private final Map<Long, Entry> cache;
  private final AtomicBoolean namespaceReported = new AtomicBoolean();

  private record Entry(ProcessAttribution value, Instant checkedAt) {}

  /**
   * @param table where processes are looked up
   * @param procRoot where {@code <pid>/cgroup} files are read ({@code /proc} outside tests)
   * @param namespace the result of {@link PidNamespace#detect}
   * @param clock decides when an entry is stale
   * @param refresh how long an answer is reused
   * @param maxEntries cache bound
   */
  public CachingProcessAttributor(
      ProcessTable table, Path procRoot, PidNamespace namespace, InstantSource clock, Duration refresh, int maxEntries) {
    this.table = Objects.requireNonNull(table, "table");
    this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (refresh.isNegative()) {
      throw new IllegalArgumentException("refresh cannot be negative: " + refresh);
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
    }
    this.refresh = refresh;
    this.cache =
        new LinkedHashMap<>(64, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Entry> eldest) {
            return size() > maxEntries;
          }
        };
  }

  /** OSHI and {@code /proc} of this machine, the system clock, default refresh and bound. */
  public static CachingProcessAttributor forThisHost() {
    return new CachingProcessAttributor(
        new OshiProcessTable(), Path.of("/proc"), PidNamespace.detect(), InstantSource.system(), DEFAULT_REFRESH, DEFAULT_MAX_ENTRIES);
  }

  /** What the namespace check found. */
  public PidNamespace namespace() {
    return namespace;
  }

  @Override
  public ProcessAttribution attribute(long pid) {
    if (!namespace.hostNamespace()) {
      if (namespaceReported.compareAndSet(false, true)) {
        LOG.warn("per-process attribution is off: {}", namespace.reason());
      }
      return ProcessAttribution.notVisible(pid);
    }
    Instant now = clock.instant();
    Entry previous;
    synchronized (cache) {
      previous = cache.get(pid);
      if (previous != null && Duration.between(previous.checkedAt(), now).compareTo(refresh) < 0) {
        return previous.value();
      }
    }
    // Outside the lock: a lookup reads several /proc files, and other PIDs need not wait for it.
    ProcessAttribution fresh = lookup(pid, previous == null ? null : previous.value());
    synchronized (cache) {
      cache.put(pid, new Entry(fresh, now));
    }
    return fresh;
  }

  private ProcessAttribution lookup(long pid, ProcessAttribution previous) {
    Optional<ProcessFacts> facts = table.find(pid);
    if (facts.isEmpty()) {
      return ProcessAttribution.dead(pid);
    }
    Optional<ContainerRef> container;
    if (previous != null && previous.alive() && previous.startedAt().isPresent() && previous.startedAt().equals(facts.get().startedAt())) {
      container = previous.container(); // same process: a process never changes container
    } else {
      container = CgroupParser.parse(procRoot.resolve(Long.toString(pid)).resolve("cgroup"));
    }
    return ProcessAttribution.alive(pid, facts.get(), container);
  }
}
