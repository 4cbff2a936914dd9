package dev.headroom.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.Observation;
import dev.headroom.collector.AcceptedFrame;
import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.ObservationListener;
import dev.headroom.protocol.wire.Frames;
import dev.headroom.protocol.wire.pb.Frame;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The frames of one read burst reach the listener in one {@code onObservations} call, and the
 * acknowledgement and the ledger move only once it returned: what the collector acknowledges, or
 * tells a reconnecting agent it holds, has been stored.
 */
class BurstHandoverTest {

  private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger();

  /** Keeps every burst it was handed; throws instead once {@code failing} is set. */
  private static final class BurstListener implements ObservationListener {
    final List<List<Long>> bursts = new ArrayList<>();
    boolean failing;

    @Override
    public void onObservation(AgentIdentity from, long sequence, Observation observation) {
      throw new AssertionError("the ingest server hands frames over by burst");
    }

    @Override
    public void onObservations(AgentIdentity from, List<AcceptedFrame> burst) {
      if (failing) {
        throw new IllegalStateException("disk full");
      }
      bursts.add(burst.stream().map(AcceptedFrame::sequence).toList());
    }
  }

  private EmbeddedChannel channel(ObservationListener listener) {
    IngestConfig config = IngestConfig.loopback(0);
    EmbeddedChannel ch = new EmbeddedChannel(new AgentSessionHandler(config, listener, ledger, new IngestCounters(),
        new AgentRateLimiter(Integer.MAX_VALUE, System::nanoTime), new SessionRegistry(), new StorageFailures()));
    ch.writeInbound(Frames.hello("agent-1", "boot-1", "node-1", "test", ""));
    Frame helloAck = ch.readOutbound();
    assertThat(helloAck.hasHelloAck()).isTrue();
    return ch;
  }

  private static Frame[] observations(long from, long to) {
    List<Frame> out = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      out.add(Frames.observation(s, IngestServerTest.report(s)));
    }
    return out.toArray(Frame[]::new);
  }

  @Test
  void oneBurstIsOneHandoverThenOneCumulativeAck() {
    BurstListener listener = new BurstListener();
    EmbeddedChannel ch = channel(listener);

    ch.writeInbound((Object[]) observations(1, 3));
    ch.writeInbound((Object[]) observations(3, 5)); // 3 again: a replayed duplicate

    assertThat(listener.bursts).containsExactly(List.of(1L, 2L, 3L), List.of(4L, 5L));
    Frame first = ch.readOutbound();
    Frame second = ch.readOutbound();
    assertThat(first.getAck().getSequence()).isEqualTo(3);
    assertThat(second.getAck().getSequence()).isEqualTo(5);
    assertThat(ledger.lastSequence("agent-1", "boot-1")).isEqualTo(5);
  }

  @Test
  void aLongBurstIsHandedOverInBoundedParts() {
    BurstListener listener = new BurstListener();
    EmbeddedChannel ch = channel(listener);

    ch.writeInbound((Object[]) observations(1, AgentSessionHandler.MAX_FRAMES_PER_HANDOVER + 10));

    assertThat(listener.bursts).extracting(List::size)
        .containsExactly(AgentSessionHandler.MAX_FRAMES_PER_HANDOVER, 10);
    Frame ack = ch.readOutbound();
    assertThat(ack.getAck().getSequence()).isEqualTo(AgentSessionHandler.MAX_FRAMES_PER_HANDOVER + 10L);
  }

  @Test
  void aRefusedBurstIsNeitherAcknowledgedNorClaimedByTheLedger() {
    BurstListener listener = new BurstListener();
    EmbeddedChannel ch = channel(listener);
    ch.writeInbound((Object[]) observations(1, 2));
    Frame ack = ch.readOutbound();
    assertThat(ack.getAck().getSequence()).isEqualTo(2);

    listener.failing = true;
    ch.writeInbound((Object[]) observations(3, 6));

    assertThat(ch.<Object>readOutbound()).isNull();
    assertThat(ch.isOpen()).isFalse();
    // A reconnecting agent is told to resume after 2, so it sends 3..6 again.
    assertThat(ledger.lastSequence("agent-1", "boot-1")).isEqualTo(2);
  }

  @Test
  void theStoredPrefixOfAPartlyStoredBurstIsDeliveredSoTheAgentResumesAfterIt() {
    ObservationListener partly = new ObservationListener() {
      @Override
      public void onObservation(AgentIdentity from, long sequence, Observation observation) {
        throw new AssertionError("the ingest server hands frames over by burst");
      }

      @Override
      public void onObservations(AgentIdentity from, List<AcceptedFrame> burst) {
        throw new PartlyStoredException("disk full after frame 4", 4, null);
      }
    };
    EmbeddedChannel ch = channel(partly);

    ch.writeInbound((Object[]) observations(3, 6));

    assertThat(ch.<Object>readOutbound()).as("nothing acknowledged on this connection").isNull();
    assertThat(ch.isOpen()).isFalse();
    assertThat(ledger.lastSequence("agent-1", "boot-1")).isEqualTo(4);
  }
}
