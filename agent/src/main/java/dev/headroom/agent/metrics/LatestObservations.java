package dev.headroom.agent.metrics;

import dev.headroom.agent.ObservationSink;
import dev.headroom.analyzer.model.AllocatorSample;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.HostMemoryReport;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.RunSpecDeclared;
import dev.headroom.analyzer.model.StepMark;
import dev.headroom.analyzer.model.XidObservation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The newest observation of each kind and key, which is what a scrape shows. Thread-safe: the
 * sampler, the Xid thread and the reporter write while a scrape reads.
 *
 * <p>What the training process posted (allocator samples, step marks, runs) goes stale when the
 * process stops posting; entries older than {@code staleAfter} are dropped at read time, so a
 * finished run's series disappear instead of freezing at their last value. Device reports never
 * go stale: the sampler sends one per interval for as long as the device exists.
 */
public final class LatestObservations implements ObservationSink {

  /** One training process on one device. */
  record AllocatorKey(long pid, int cudaDevice) {}

  /** One Xid number on one device. */
  record XidKey(String uuid, long xid) {}

  private final Clock clock;
  private final Duration staleAfter;
  private final Map<String, DeviceReport> devices = new ConcurrentHashMap<>();
  private final Map<AllocatorKey, AllocatorSample> allocators = new ConcurrentHashMap<>();
  private final Map<Long, StepMark> steps = new ConcurrentHashMap<>();
  private final Map<String, RunSpecDeclared> runs = new ConcurrentHashMap<>();
  private final Map<XidKey, AtomicLong> xids = new ConcurrentHashMap<>();
  private final AtomicReference<HostMemoryReport> host = new AtomicReference<>();

  public LatestObservations(Clock clock, Duration staleAfter) {
    this.clock = clock;
    this.staleAfter = staleAfter;
  }

  @Override
  public void accept(Observation observation) {
    // Java 17 has no pattern switch; the chain covers every permitted Observation type.
    if (observation instanceof DeviceReport r) {
      devices.put(r.uuid(), r);
    } else if (observation instanceof AllocatorSample s) {
      allocators.put(new AllocatorKey(s.pid(), s.cudaDevice()), s);
    } else if (observation instanceof StepMark s) {
      steps.put(s.pid(), s);
    } else if (observation instanceof RunSpecDeclared r) {
      runs.put(r.runId(), r);
    } else if (observation instanceof XidObservation x) {
      xids.computeIfAbsent(new XidKey(x.uuid(), x.xid()), k -> new AtomicLong()).incrementAndGet();
    } else if (observation instanceof HostMemoryReport h) {
      host.set(h);
    }
  }

  Collection<DeviceReport> devices() {
    return List.copyOf(devices.values());
  }

  Collection<AllocatorSample> allocators() {
    return fresh(allocators);
  }

  Collection<StepMark> steps() {
    return fresh(steps);
  }

  Collection<RunSpecDeclared> runs() {
    return fresh(runs);
  }

  Map<XidKey, Long> xidCounts() {
    return xids.entrySet().stream()
        .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> e.getValue().get()));
  }

  Optional<HostMemoryReport> host() {
    return Optional.ofNullable(host.get());
  }

  private <K, V extends Observation> Collection<V> fresh(Map<K, V> map) {
    Instant cutoff = clock.instant().minus(staleAfter);
    map.values().removeIf(v -> v.at().isBefore(cutoff));
    return List.copyOf(map.values());
  }
}
