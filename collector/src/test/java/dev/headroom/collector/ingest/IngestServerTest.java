package dev.headroom.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.analyzer.model.Stats;
import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.ObservationListener;
import dev.headroom.protocol.wire.Frames;
import dev.headroom.protocol.wire.ObservationMapping;
import dev.headroom.protocol.wire.pb.Error;
import dev.headroom.protocol.wire.pb.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IngestServerTest {

  record Delivery(AgentIdentity from, long sequence, Observation observation) {}

  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

  private final List<Delivery> delivered = new CopyOnWriteArrayList<>();
  private final ObservationListener recordingListener = (from, seq, obs) -> delivered.add(new Delivery(from, seq, obs));
  private IngestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private IngestServer start(IngestConfig config, ObservationListener listener) throws InterruptedException {
    server = IngestServer.start(config, listener, new InMemoryDeliveryLedger(), 2);
    return server;
  }

  private IngestServer start() throws InterruptedException {
    return start(IngestConfig.loopback(0).withToken("s3cret"), recordingListener);
  }

  static DeviceReport report(long i) {
    return new DeviceReport("node-1", "GPU-a", 0, "sim", T0.plusSeconds(i - 1), T0.plusSeconds(i), 10,
        DeviceState.OK, 80L << 30, 0, Stats.of(i << 20), List.of(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  static Frame hello(String agent, String boot, String token) {
    return Frames.hello(agent, boot, "node-1", "0.1.0", token);
  }

  @Test
  void acceptedHelloThenFramesAreDeliveredInOrderAndAcknowledged() throws Exception {
    start();
    try (RawAgent agent = new RawAgent(server.address())) {
      agent.send(hello("agent-1", "boot-1", "s3cret"));
      Frame helloAck = agent.read();
      assertThat(helloAck.getHelloAck().getLastSequence()).isZero();

      agent.send(Frames.observation(1, report(1)), Frames.observation(2, report(2)), Frames.observation(3, report(3)));

      assertThat(agent.awaitAck(3)).isEqualTo(3);
    }
    assertThat(delivered).extracting(Delivery::sequence).containsExactly(1L, 2L, 3L);
    assertThat(delivered).extracting(Delivery::observation).containsExactly(report(1), report(2), report(3));
    assertThat(delivered.get(0).from()).isEqualTo(new AgentIdentity("agent-1", "boot-1", "node-1", "0.1.0"));
    assertThat(server.counters().framesAccepted()).isEqualTo(3);
  }

  @Test
  void replayedFramesAreDroppedAsDuplicatesAndTheHelloSaysWhereToResume() throws Exception {
    start();
    try (RawAgent agent = new RawAgent(server.address())) {
      agent.send(hello("agent-1", "boot-1", "s3cret"));
      agent.read();
      agent.send(Frames.observation(1, report(1)), Frames.observation(2, report(2)));
      agent.awaitAck(2);
    }
    try (RawAgent again = new RawAgent(server.address())) {
      again.send(hello("agent-1", "boot-1", "s3cret"));
      assertThat(again.read().getHelloAck().getLastSequence()).isEqualTo(2);
      // An agent that missed the ack replays 1 and 2.
      again.send(Frames.observation(1, report(1)), Frames.observation(2, report(2)), Frames.observation(3, report(3)));
      again.awaitAck(3);
    }
    assertThat(delivered).extracting(Delivery::sequence).containsExactly(1L, 2L, 3L);
    assertThat(server.counters().duplicatesDropped()).isEqualTo(2);
  }

  @Test
  void anotherBootOfTheSameAgentStartsItsOwnSequence() throws Exception {
    start();
    for (String boot : List.of("boot-1", "boot-2")) {
      try (RawAgent agent = new RawAgent(server.address())) {
        agent.send(hello("agent-1", boot, "s3cret"));
        assertThat(agent.read().getHelloAck().getLastSequence()).isZero();
        agent.send(Frames.observation(1, report(1)));
        agent.awaitAck(1);
      }
    }
    assertThat(delivered).extracting(d -> d.from().bootId()).containsExactly("boot-1", "boot-2");
  }

  @Test
  void wrongTokenClosesThatConnectionOnlyWithAReasonAndACount() throws Exception {
    start();
    try (RawAgent good = new RawAgent(server.address()); RawAgent bad = new RawAgent(server.address())) {
      good.send(hello("good", "b", "s3cret"));
      good.read();

      bad.send(hello("intruder", "b", "guess"));
      Frame error = bad.read();
      assertThat(error.getError().getCode()).isEqualTo(Error.Code.BAD_TOKEN);
      assertThat(error.getError().getMessage()).contains("intruder").doesNotContain("s3cret");
      assertThat(bad.closedByPeer()).isTrue();

      good.send(Frames.observation(1, report(1)));
      assertThat(good.awaitAck(1)).isEqualTo(1);
    }
    assertThat(server.counters().refusedBadToken()).isEqualTo(1);
    assertThat(delivered).extracting(d -> d.from().agentId()).containsExactly("good");
  }

  @Test
  void wrongProtocolVersionIsRefused() throws Exception {
    start();
    try (RawAgent agent = new RawAgent(server.address())) {
      Frame hello = hello("a", "b", "s3cret");
      agent.send(hello.toBuilder().setHello(hello.getHello().toBuilder().setProtocolVersion(7)).build());

      Frame error = agent.read();
      assertThat(error.getError().getCode()).isEqualTo(Error.Code.UNSUPPORTED_VERSION);
      assertThat(error.getError().getMessage()).contains("version 7");
      assertThat(agent.closedByPeer()).isTrue();
    }
    assertThat(server.counters().refusedBadVersion()).isEqualTo(1);
  }

  @Test
  void garbageBytesCloseTheConnectionWithAReason() throws Exception {
    start();
    try (RawAgent agent = new RawAgent(server.address())) {
      agent.sendBytes("GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl\r\nAccept: */*\r\n\r\n"
          .repeat(3).getBytes(StandardCharsets.US_ASCII));

      Frame error = agent.read();
      assertThat(error.getError().getCode()).isEqualTo(Error.Code.MALFORMED_FRAME);
      assertThat(error.getError().getMessage()).contains("frame at byte 0");
      assertThat(agent.closedByPeer()).isTrue();
    }
    assertThat(server.counters().refusedMalformed()).isEqualTo(1);
  }

  @Test
  void oversizedFrameIsRefusedBeforeItArrives() throws Exception {
    start(IngestConfig.loopback(0).withLimits(4096, 10, 1000), recordingListener);
    try (RawAgent agent = new RawAgent(server.address())) {
      agent.send(hello("a", "b", ""));
      agent.read();
      agent.sendBytes(RawAgent.varint(10_000_000));

      Frame error = agent.read();
      assertThat(error.getError().getCode()).isEqualTo(Error.Code.FRAME_TOO_LARGE);
      assertThat(error.getError().getMessage()).contains("10000000 bytes exceeds the limit of 4096");
    }
    assertThat(server.counters().refusedOversized()).isEqualTo(1);
  }

  @Test
  void firstFrameMustBeAHello() throws Exception {
    start();
    try (RawAgent agent = new RawAgent(server.address())) {
      agent.send(Frames.observation(1, report(1)));

      assertThat(agent.read().getError().getCode()).isEqualTo(Error.Code.HELLO_EXPECTED);
    }
    assertThat(delivered).isEmpty();
  }

  @Test
  void silentConnectionIsClosedAfterTheHelloTimeout() throws Exception {
    IngestConfig c = IngestConfig.loopback(0);
    start(new IngestConfig(c.listen(), "", Optional.empty(), c.maxFrameBytes(), 10, 1000,
        Duration.ofMillis(200), "test"), recordingListener);
    try (RawAgent agent = new RawAgent(server.address())) {
      Frame error = agent.read();
      assertThat(error.getError().getCode()).isEqualTo(Error.Code.HELLO_EXPECTED);
      assertThat(error.getError().getMessage()).contains("no hello within 200 ms");
    }
  }

  @Test
  void connectionsAboveTheLimitAreRefused() throws Exception {
    start(IngestConfig.loopback(0).withLimits(4096, 1, 1000), recordingListener);
    try (RawAgent first = new RawAgent(server.address())) {
      first.send(hello("a", "b", ""));
      assertThat(first.read().hasHelloAck()).isTrue();
      RawAgent second = new RawAgent(server.address());

      assertThat(second.read().getError().getCode()).isEqualTo(Error.Code.TOO_MANY_CONNECTIONS);
      assertThat(second.closedByPeer()).isTrue();
      second.close();
      first.send(Frames.observation(1, report(1)));
      assertThat(first.awaitAck(1)).as("the connection within the limit is unaffected").isEqualTo(1);
    }
    assertThat(server.counters().refusedTooManyConnections()).isEqualTo(1);
  }

  @Test
  void aFrameTheListenerCouldNotStoreIsNotAcknowledgedAndArrivesOnReplay() throws Exception {
    AtomicBoolean storageDown = new AtomicBoolean(true);
    start(IngestConfig.loopback(0), (from, seq, obs) -> {
      if (seq == 2 && storageDown.get()) {
        throw new IllegalStateException("disk full");
      }
      delivered.add(new Delivery(from, seq, obs));
    });
    try (RawAgent agent = new RawAgent(server.address())) {
      agent.send(hello("a", "b", ""));
      agent.read();
      agent.send(Frames.observation(1, report(1)));
      agent.awaitAck(1);
      agent.send(Frames.observation(2, report(2)));
      assertThat(agent.closedByPeer()).isTrue();
    }
    storageDown.set(false);
    try (RawAgent agent = new RawAgent(server.address())) {
      agent.send(hello("a", "b", ""));
      assertThat(agent.read().getHelloAck().getLastSequence()).isEqualTo(1);
      agent.send(Frames.observation(2, report(2)));
      agent.awaitAck(2);
    }
    assertThat(delivered).extracting(Delivery::sequence).containsExactly(1L, 2L);
  }

  @Test
  void invalidObservationIsDroppedAcknowledgedAndCountedWithoutClosing() throws Exception {
    start(IngestConfig.loopback(0), recordingListener);
    var broken = ObservationMapping.toFrame(2, report(2)).toBuilder();
    broken.getDeviceReportBuilder().getUsedBytesBuilder().setMin(10).setMax(1);
    try (RawAgent agent = new RawAgent(server.address())) {
      agent.send(hello("a", "b", ""));
      agent.read();
      agent.send(Frames.observation(1, report(1)), Frame.newBuilder().setObservation(broken).build(),
          Frames.observation(3, report(3)));
      assertThat(agent.awaitAck(3)).isEqualTo(3);
    }
    assertThat(delivered).extracting(Delivery::sequence).containsExactly(1L, 3L);
    assertThat(server.counters().invalidObservationsDropped()).isEqualTo(1);
  }

  @Test
  void anAgentAboveItsRateIsSlowedNotDisconnected() throws Exception {
    start(IngestConfig.loopback(0).withLimits(1 << 20, 10, 200), recordingListener);
    long started;
    try (RawAgent agent = new RawAgent(server.address())) {
      agent.send(hello("fast", "b", ""));
      agent.read();
      started = System.nanoTime();
      // 400 frames at 200 frames/s with a one-second bucket: the second half must wait ~1 s.
      for (int batch = 0; batch < 4; batch++) {
        Frame[] frames = new Frame[100];
        for (int i = 0; i < frames.length; i++) {
          long seq = batch * 100L + i + 1;
          frames[i] = Frames.observation(seq, report(seq));
        }
        agent.send(frames);
        agent.awaitAck(batch * 100L + 100);
      }
    }
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(delivered).hasSize(400);
    assertThat(server.counters().rateLimitPauses()).isPositive();
    assertThat(elapsedMillis).as("paused, so slower than the 200 frames/s limit allows").isGreaterThanOrEqualTo(500);
  }

  @Test
  void gapsLeftByAnOverflowedAgentBufferAreCounted() throws Exception {
    start(IngestConfig.loopback(0), recordingListener);
    try (RawAgent agent = new RawAgent(server.address())) {
      agent.send(hello("a", "b", ""));
      agent.read();
      agent.send(Frames.observation(1, report(1)), Frames.observation(5, report(5)));
      agent.awaitAck(5);
    }
    assertThat(server.counters().sequenceGaps()).isEqualTo(3);
    assertThat(delivered).extracting(Delivery::sequence).containsExactly(1L, 5L);
    assertThat(AgentSessionHandler.gapExplanation(1, 5)).isEqualTo(
        "skipped frames 2..4 (its buffer overflowed while disconnected, or another collector acknowledged them in between)");
  }

  @Test
  void aGapBeforeTheFirstFrameACollectorSeesIsNotBlamedOnTheBufferAlone() {
    // Failover: collector A acknowledged 1..7, so B's first frame from this agent life is 8.
    assertThat(AgentSessionHandler.gapExplanation(0, 8)).startsWith(
        "its first frame here is 8: frames 1..7 did not come to this collector (another collector acknowledged them"
            + " before a failover");
    assertThat(AgentSessionHandler.gapExplanation(0, 2)).contains(": frame 1 did not come");
  }

}
