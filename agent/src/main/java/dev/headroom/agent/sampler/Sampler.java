package dev.headroom.agent.sampler;

import dev.headroom.agent.ObservationSink;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.nvml.DeviceInfo;
import dev.headroom.nvml.GpuLostException;
import dev.headroom.nvml.Nvml;
import dev.headroom.nvml.NvmlException;
import dev.headroom.nvml.ReadingFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every device once per {@link #tick} and, when a report interval has passed, emits one
 * {@link dev.headroom.analyzer.model.DeviceReport} per device (min, max, last of each quantity)
 * and one host memory report.
 *
 * <p>Time comes from the caller: a {@link FixedRateLoop} ticks it from a scheduler in production,
 * tests tick it with made-up instants, so an hour of sampling runs in milliseconds.
 *
 * <p>A device whose read fails is marked FAILING and skipped until its backoff has passed, while
 * the others are read as usual; GPU_IS_LOST marks it LOST for good. Each change of state is logged
 * once.
 *
 * <p>A partial snapshot (memory read, some other reading failed: see {@link
 * dev.headroom.nvml.DeviceSnapshot#failedReadings()}) is a successful read: its memory is recorded
 * and it is counted in {@link #partialReads()} too. Each (device, function) that fails is logged
 * at WARN when it starts failing and at INFO when it works again, not at every sample.
 *
 * <p>Not thread-safe: call {@link #tick} from one thread.
 */
public final class Sampler implements Tickable {
  private static final Logger log = LoggerFactory.getLogger(Sampler.class);

  private static final ReadingTransitions LOGGED = new ReadingTransitions() {
    @Override
    public void startedFailing(String uuid, ReadingFailure failure) {
      log.warn("{}: {}; that reading is left out of the samples until it works again, memory is still recorded",
          uuid, failure.message());
    }

    @Override
    public void workingAgain(String uuid, String function, long failedSnapshots) {
      log.info("{}: {} works again after failing in {} samples", uuid, function, failedSnapshots);
    }
  };

  private final Nvml nvml;
  private final String hostname;
  private final ProcessLabeller labeller;
  private final HostMemorySource hostMemory;
  private final ObservationSink sink;
  private final SamplerSettings settings;
  private final List<DeviceTrack> tracks = new ArrayList<>();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong failedReads = new AtomicLong();
  private final AtomicLong partialReads = new AtomicLong();
  private final Map<String, FailingReadings> failingReadings = new HashMap<>();
  private final AtomicLong reportsEmitted = new AtomicLong();
  private Instant intervalStart;

  public Sampler(
      Nvml nvml,
      String hostname,
      ProcessLabeller labeller,
      HostMemorySource hostMemory,
      ObservationSink sink,
      SamplerSettings settings) {
    this(nvml, hostname, labeller, hostMemory, sink, settings, LOGGED);
  }

  /** As the public constructor, with {@code transitions} told of optional readings failing and recovering. */
  Sampler(
      Nvml nvml,
      String hostname,
      ProcessLabeller labeller,
      HostMemorySource hostMemory,
      ObservationSink sink,
      SamplerSettings settings,
      ReadingTransitions transitions) {
    this.nvml = nvml;
    this.hostname = hostname;
    this.labeller = labeller;
    this.hostMemory = hostMemory;
    this.sink = sink;
    this.settings = settings;
    for (DeviceInfo d : nvml.devices()) {
      tracks.add(new DeviceTrack(d));
      failingReadings.put(d.uuid(), new FailingReadings(d.uuid(), transitions));
    }
  }

  public SamplerSettings settings() {
    return settings;
  }

  /** Successful device reads since start, partial ones included. */
  public long reads() {
    return reads.get();
  }

  /** Failed device reads since start (each failure of each device counts once). */
  public long failedReads() {
    return failedReads.get();
  }

  /**
   * Successful reads whose snapshot was partial: memory was recorded but some other reading failed
   * (a subset of {@link #reads()}).
   */
  public long partialReads() {
    return partialReads.get();
  }

  /** Device reports emitted since start. */
  public long reportsEmitted() {
    return reportsEmitted.get();
  }

  /** Reads every due device at {@code now}, then closes the interval if it has run its length. */
  @Override
  public void tick(Instant now) {
    if (intervalStart == null) {
      intervalStart = now;
    }
    for (DeviceTrack track : tracks) {
      if (track.due(now)) {
        read(track, now);
      }
    }
    if (!now.isBefore(intervalStart.plus(settings.reportInterval()))) {
      emitReports(now);
    }
  }

  /**
   * Emits what the open interval holds now, even if it is short: called on shutdown so the last
   * fraction of a second is not lost.
   */
  @Override
  public void flush(Instant now) {
    if (intervalStart != null && now.isAfter(intervalStart)) {
      emitReports(now);
    }
  }

  private void read(DeviceTrack track, Instant now) {
    String uuid = track.info().uuid();
    try {
      var snapshot = nvml.snapshot(uuid);
      if (track.state() == DeviceState.FAILING) {
        log.info("{}: recovered after {} failed reads", uuid, track.consecutiveFailures());
      }
      track.add(snapshot, now);
      reads.incrementAndGet();
      if (snapshot.isPartial()) {
        partialReads.incrementAndGet();
      }
      failingReadings.get(uuid).update(snapshot.failedReadings());
    } catch (GpuLostException e) {
      failedReads.incrementAndGet();
      track.lose();
      log.error("{}: GPU lost ({}); no longer sampled, the device needs a reset", uuid, e.getMessage());
    } catch (NvmlException | RuntimeException e) {
      failedReads.incrementAndGet();
      boolean firstFailure = track.state() == DeviceState.OK;
      Duration wait = track.fail(now, settings.initialBackoff(), settings.maxBackoff());
      if (firstFailure) {
        log.warn("{}: read failed ({}); retrying with backoff from {} ms", uuid, e.getMessage(), wait.toMillis());
      } else {
        log.debug("{}: read failed again ({}); next try in {} ms", uuid, e.getMessage(), wait.toMillis());
      }
    }
  }

  private void emitReports(Instant now) {
    for (DeviceTrack track : tracks) {
      sink.accept(track.report(hostname, intervalStart, now, labeller));
      reportsEmitted.incrementAndGet();
    }
    hostMemory.read(hostname, now).ifPresent(sink::accept);
    intervalStart = now;
  }
}
