package dev.headroom.collector.ingest;

import dev.headroom.collector.AcceptedFrame;
import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.ObservationListener;
import dev.headroom.protocol.wire.DecodedObservation;
import dev.headroom.protocol.wire.Frames;
import dev.headroom.protocol.wire.MalformedFrameException;
import dev.headroom.protocol.wire.ObservationMapping;
import dev.headroom.protocol.wire.SequencedObservation;
import dev.headroom.protocol.wire.pb.Error;
import dev.headroom.protocol.wire.pb.Frame;
import dev.headroom.protocol.wire.pb.Hello;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent connection: waits for the hello, checks it, then hands every new observation to the
 * listener and acknowledges it. One instance per channel; runs on that channel's event loop.
 *
 * <p>The new frames of one read burst are handed to the listener together at the burst's end
 * ({@code channelReadComplete}; at most {@link #MAX_FRAMES_PER_HANDOVER} at a time), so storage can
 * write them with one call. Acknowledgements are cumulative and sent once per read burst, always
 * after the listener returned for every frame they cover: an acknowledged frame has been stored. A listener that throws gets nothing acknowledged and the connection closed, so the agent
 * replays the frame later.
 */
final class AgentSessionHandler extends SimpleChannelInboundHandler<Object> {

  private static final Logger log = LoggerFactory.getLogger(AgentSessionHandler.class);

  private final IngestConfig config;
  private final ObservationListener listener;
  private final DeliveryLedger ledger;
  private final IngestCounters counters;
  private final AgentRateLimiter rateLimiter;
  private final SessionRegistry sessions;
  private final StorageFailures storageFailures;
  /** Largest burst handed to the listener at once; a longer burst is handed over in parts. */
  static final int MAX_FRAMES_PER_HANDOVER = 1024;

  private AgentIdentity identity;
  /** The highest sequence taken from the stream (queued for the listener, or dropped as invalid). */
  private long lastDelivered;
  /** The highest sequence the listener has stored (all frames up to it): what the ledger and acks say. */
  private long lastStored;
  private long lastAcked;
  /** New frames of the current read burst, not yet handed to the listener. */
  private final List<AcceptedFrame> pending = new ArrayList<>();
  private int framesThisBurst;
  private boolean closing;

  AgentSessionHandler(IngestConfig config, ObservationListener listener, DeliveryLedger ledger,
      IngestCounters counters, AgentRateLimiter rateLimiter, SessionRegistry sessions, StorageFailures storageFailures) {
    this.config = config;
    this.listener = listener;
    this.ledger = ledger;
    this.counters = counters;
    this.rateLimiter = rateLimiter;
    this.sessions = sessions;
    this.storageFailures = storageFailures;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.executor().schedule(() -> {
      if (identity == null && !closing && ctx.channel().isActive()) {
        counters.refusedMalformed.increment();
        refuse(ctx, Error.Code.HELLO_EXPECTED, "no hello within " + config.helloTimeout().toMillis() + " ms");
      }
    }, config.helloTimeout().toNanos(), TimeUnit.NANOSECONDS);
    ctx.fireChannelActive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Object message) {
    if (closing) {
      return;
    }
    // The ingest pipeline's decoder keeps each observation's bytes (DecodedObservation) for storage.
    Frame frame = message instanceof DecodedObservation d ? d.frame() : (Frame) message;
    Optional<byte[]> bytes = message instanceof DecodedObservation d
        ? Optional.of(d.observationFrameBytes()) : Optional.empty();
    if (identity == null) {
      onHello(ctx, frame);
    } else if (frame.getBodyCase() == Frame.BodyCase.OBSERVATION) {
      onObservation(ctx, frame.getObservation(), bytes);
    } else {
      counters.refusedMalformed.increment();
      refuse(ctx, Error.Code.MALFORMED_FRAME, "unexpected " + frame.getBodyCase() + " frame after the hello");
    }
  }

  private void onHello(ChannelHandlerContext ctx, Frame frame) {
    if (frame.getBodyCase() != Frame.BodyCase.HELLO) {
      counters.refusedMalformed.increment();
      refuse(ctx, Error.Code.HELLO_EXPECTED, "first frame was " + frame.getBodyCase() + ", expected a hello");
      return;
    }
    Hello hello = frame.getHello();
    Optional<Error> refusal = Frames.refusal(hello, config.token());
    if (refusal.isPresent()) {
      switch (refusal.get().getCode()) {
        case BAD_TOKEN -> counters.refusedBadToken.increment();
        case UNSUPPORTED_VERSION -> counters.refusedBadVersion.increment();
        default -> counters.refusedMalformed.increment();
      }
      refuse(ctx, refusal.get().getCode(), refusal.get().getMessage());
      return;
    }
    identity = new AgentIdentity(hello.getAgentId(), hello.getBootId(), hello.getHostname(), hello.getAgentVersion());
    sessions.register(identity, ctx.channel());
    lastDelivered = ledger.lastSequence(identity.agentId(), identity.bootId());
    lastStored = lastDelivered;
    lastAcked = lastDelivered;
    ctx.writeAndFlush(Frames.helloAck(lastDelivered, config.collectorVersion()));
    log.info("agent {} (boot {}, host {}, version {}) connected from {}; resuming after frame {}",
        identity.agentId(), identity.bootId(), identity.hostname(), identity.agentVersion(),
        remote(ctx), lastDelivered);
  }

  /**
   * Why frames before {@code sequence} never arrived. An agent drops the oldest of its buffer when
   * it overflows while disconnected; but with {@code --collector A,B} the frames another collector
   * acknowledged are gone from the agent too, and a collector that never heard of this agent life
   * (failed over to, or started on a fresh data folder) sees them as a gap every time.
   */
  static String gapExplanation(long lastDelivered, long sequence) {
    String frames = lastDelivered + 1 == sequence - 1 ? "frame " + (sequence - 1)
        : "frames " + (lastDelivered + 1) + ".." + (sequence - 1);
    return lastDelivered == 0
        ? "its first frame here is " + sequence + ": " + frames + " did not come to this collector (another"
            + " collector acknowledged them before a failover, this data folder is not the one that stored them,"
            + " or the agent's buffer overflowed while it was disconnected)"
        : "skipped " + frames + " (its buffer overflowed while disconnected, or another collector acknowledged"
            + " them in between)";
  }

  private void onObservation(ChannelHandlerContext ctx, dev.headroom.protocol.wire.pb.ObservationFrame frame,
      Optional<byte[]> bytes) {
    long sequence = frame.getSequence();
    framesThisBurst++;
    if (sequence <= lastDelivered) {
      counters.duplicatesDropped.increment();
      return;
    }
    if (sequence > lastDelivered + 1) {
      counters.sequenceGaps.add(sequence - lastDelivered - 1);
      log.warn("agent {}: {}", identity.agentId(), gapExplanation(lastDelivered, sequence));
    }
    SequencedObservation observation;
    try {
      observation = ObservationMapping.fromFrame(frame);
    } catch (MalformedFrameException e) {
      // Acknowledged and dropped: replaying it would fail the same way forever.
      counters.invalidObservationsDropped.increment();
      log.warn("agent {}: dropped invalid frame: {}", identity.agentId(), e.getMessage());
      lastDelivered = sequence;
      return;
    }
    pending.add(new AcceptedFrame(sequence, observation.observation(), bytes));
    lastDelivered = sequence;
    if (pending.size() >= MAX_FRAMES_PER_HANDOVER) {
      handOver(ctx);
    }
  }

  /**
   * Hands the burst's new frames to the listener in one call (so storage writes them with one
   * write), then advances the ledger past them. Returns false, having closed the connection, when
   * the listener refused them: nothing of the burst is acknowledged and the agent replays it.
   */
  private boolean handOver(ChannelHandlerContext ctx) {
    if (!pending.isEmpty()) {
      List<AcceptedFrame> burst = List.copyOf(pending);
      pending.clear();
      try {
        listener.onObservations(identity, burst);
      } catch (RuntimeException e) {
        long storedThrough = storedPrefix(e, burst);
        long lastSequence = burst.get(burst.size() - 1).sequence();
        if (storageFailures.failed(e)) {
          log.error("agent {}: frames {}..{} could not be stored (stored through {}); closing so the agent replays the"
              + " rest (further failures like this one are logged in one line until storing works again)",
              identity.agentId(), storedThrough + 1, lastSequence, storedThrough, e);
        } else {
          log.error("agent {}: frames {}..{} could not be stored (stored through {}): {}; closing so the agent replays"
              + " the rest", identity.agentId(), storedThrough + 1, lastSequence, storedThrough,
              StorageFailures.rootMessage(e));
        }
        if (storedThrough > lastStored) {
          // The stored prefix is delivered: the agent's reconnect resumes after it, so those frames
          // are acknowledged by the hello-ack and never handed to storage again.
          lastStored = storedThrough;
          counters.framesAccepted.add(burst.stream().filter(f -> f.sequence() <= storedThrough).count());
          ledger.delivered(identity.agentId(), identity.bootId(), lastStored);
        }
        closing = true;
        ctx.close();
        return false;
      }
      counters.framesAccepted.add(burst.size());
      long failedBefore = storageFailures.stored();
      if (failedBefore > 0) {
        log.info("recordings writable again after {} failed burst(s) (agent {} stored frames through {})", failedBefore,
            identity.agentId(), burst.get(burst.size() - 1).sequence());
      }
    }
    if (lastDelivered > lastStored) {
      lastStored = lastDelivered;
      // Only after the listener stored them: a reconnect of this agent resumes after them, so the
      // ledger must never claim a frame that is not stored.
      ledger.delivered(identity.agentId(), identity.bootId(), lastStored);
    }
    return true;
  }

  /**
   * How much of a refused burst is stored: what the listener said ({@link PartlyStoredException}),
   * never beyond the burst; nothing of it otherwise.
   */
  private long storedPrefix(RuntimeException e, List<AcceptedFrame> burst) {
    long before = burst.get(0).sequence() - 1;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PartlyStoredException partly) {
        return Math.min(Math.max(before, partly.storedThroughSequence()), burst.get(burst.size() - 1).sequence());
      }
    }
    return before;
  }

  /**
   * End of a read burst: acknowledge everything delivered, and charge the burst to the agent's
   * rate (once per burst rather than per frame).
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!closing && identity != null && !handOver(ctx)) {
      ctx.fireChannelReadComplete();
      return;
    }
    if (!closing && identity != null && framesThisBurst > 0) {
      long pauseNanos = rateLimiter.take(identity.agentId(), framesThisBurst);
      framesThisBurst = 0;
      if (pauseNanos > 0 && ctx.channel().config().isAutoRead()) {
        counters.rateLimitPauses.increment();
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(() -> ctx.channel().config().setAutoRead(true), pauseNanos, TimeUnit.NANOSECONDS);
      }
    }
    if (!closing && identity != null && lastStored > lastAcked) {
      lastAcked = lastStored;
      ctx.writeAndFlush(Frames.ack(lastStored));
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (identity != null) {
      sessions.unregister(identity, ctx.channel());
      log.info("agent {} (boot {}) disconnected after frame {}", identity.agentId(), identity.bootId(), lastStored);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (closing) {
      return;
    }
    Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (cause instanceof TooLongFrameException || root instanceof TooLongFrameException) {
      counters.refusedOversized.increment();
      refuse(ctx, Error.Code.FRAME_TOO_LARGE, cause.getMessage());
    } else if (root instanceof io.netty.handler.ssl.NotSslRecordException) {
      // Its message dumps the bytes received, which would put the hello's token in the log.
      counters.refusedMalformed.increment();
      log.warn("connection from {} closed: plain text where TLS was expected", remote(ctx));
      closing = true;
      ctx.close();
    } else if (root instanceof SSLException) {
      counters.refusedMalformed.increment();
      log.warn("connection from {} closed: TLS failed: {}", remote(ctx), root.getMessage());
      closing = true;
      ctx.close();
    } else if (cause instanceof DecoderException) {
      counters.refusedMalformed.increment();
      refuse(ctx, Error.Code.MALFORMED_FRAME, cause.getMessage());
    } else if (cause instanceof IOException) {
      log.info("connection from {} ({}) lost: {}", remote(ctx), who(), cause.getMessage());
      closing = true;
      ctx.close();
    } else {
      log.error("connection from {} ({}) closed after an internal error", remote(ctx), who(), cause);
      closing = true;
      ctx.close();
    }
  }

  private void refuse(ChannelHandlerContext ctx, Error.Code code, String reason) {
    closing = true;
    log.warn("connection from {} ({}) refused: {}: {}", remote(ctx), who(), code, reason);
    ctx.writeAndFlush(Frames.error(code, reason)).addListener(ChannelFutureListener.CLOSE);
  }

  private String who() {
    return identity == null ? "before hello" : "agent " + identity.agentId();
  }

  private static SocketAddress remote(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress();
  }
}
