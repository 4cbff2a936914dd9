package dev.headroom.agent.sampler;

import dev.headroom.agent.ObservationSink;
import dev.headroom.analyzer.model.XidObservation;
import dev.headroom.nvml.Nvml;
import dev.headroom.nvml.NvmlException;
import dev.headroom.nvml.NvmlFeature;
import dev.headroom.nvml.XidEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for Xid events on its own thread and emits each one at once as an {@link XidObservation}:
 * an Xid often precedes the end of a job, so it must not wait for the next report interval.
 *
 * <p>The wait is bounded ({@link #POLL}) so {@link #close()} returns promptly. A failing wait is
 * logged once and retried after a pause that doubles up to 30 s.
 */
public final class XidReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(XidReader.class);
  static final Duration POLL = Duration.ofMillis(250);
  private static final long MAX_PAUSE_MILLIS = 30_000;

  private final Nvml nvml;
  private final String hostname;
  private final ObservationSink sink;
  private final Thread thread;
  private final AtomicLong emitted = new AtomicLong();
  private volatile boolean running = true;

  private XidReader(Nvml nvml, String hostname, ObservationSink sink) {
    this.nvml = nvml;
    this.hostname = hostname;
    this.sink = sink;
    this.thread = new Thread(this::run, "headroom-xid");
    this.thread.setDaemon(true);
  }

  /**
   * Starts reading, or returns empty (and says so once) when the driver has no Xid events for
   * these devices.
   */
  public static Optional<XidReader> start(Nvml nvml, String hostname, ObservationSink sink) {
    if (nvml.unsupportedFeatures().contains(NvmlFeature.XID_EVENTS)) {
      log.info("Xid events are not supported by this driver or these devices; not reading them");
      return Optional.empty();
    }
    XidReader reader = new XidReader(nvml, hostname, sink);
    reader.thread.start();
    return Optional.of(reader);
  }

  /** Xid observations emitted since start. */
  public long emitted() {
    return emitted.get();
  }

  private void run() {
    long pauseMillis = 500;
    boolean failing = false;
    while (running) {
      try {
        Optional<XidEvent> event = nvml.awaitXid(POLL);
        if (failing) {
          log.info("Xid events readable again");
          failing = false;
          pauseMillis = 500;
        }
        event.ifPresent(
            e -> {
              log.warn("{}: Xid {} reported by the driver", e.uuid(), e.xid());
              // Counted first: whoever sees the observation in the sink must also see it counted.
              emitted.incrementAndGet();
              sink.accept(new XidObservation(hostname, e.uuid(), e.xid(), e.receivedAt()));
            });
      } catch (NvmlException | RuntimeException e) {
        if (!failing) {
          log.warn("waiting for Xid events failed ({}); retrying with backoff", e.getMessage());
          failing = true;
        }
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException ie) {
          return;
        }
        pauseMillis = Math.min(MAX_PAUSE_MILLIS, pauseMillis * 2);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(POLL.multipliedBy(4).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
