package dev.headroom.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.analyzer.model.Observation;
import dev.headroom.collector.AgentIdentity;
import dev.headroom.collector.ObservationListener;
import dev.headroom.collector.ingest.DeliveryLedger;
import dev.headroom.collector.ingest.InMemoryDeliveryLedger;
import dev.headroom.collector.ingest.IngestConfig;
import dev.headroom.collector.ingest.IngestServer;
import dev.headroom.protocol.recording.RecordingLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShipperTest {

  record Delivery(AgentIdentity from, long sequence, Observation observation) {}

  @TempDir Path dir;

  private final List<Delivery> delivered = new CopyOnWriteArrayList<>();
  private final ObservationListener listener = (from, seq, obs) -> delivered.add(new Delivery(from, seq, obs));
  private final DeliveryLedger ledger = new InMemoryDeliveryLedger();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private IngestServer collector(int port, String token) throws InterruptedException {
    IngestServer server = IngestServer.start(IngestConfig.loopback(port).withToken(token), listener, ledger, 1);
    toClose.add(server::close);
    return server;
  }

  private Shipper shipper(List<InetSocketAddress> collectors, String token, RecordingLimits buffer) throws IOException {
    ShipperConfig config = ShipperConfig.of(collectors, "agent-1", "boot-1", "node-1", "0.1.0", dir.resolve("buffer"))
        .withToken(token)
        .withBackoff(Duration.ofMillis(5), Duration.ofMillis(60))
        .withBufferLimits(buffer);
    Shipper shipper = Shipper.start(config, InstantSource.fixed(SimulatedRun.START), RandomGenerator.of("L64X128MixRandom"));
    toClose.add(shipper);
    return shipper;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(5);
    }
  }

  /**
   * The key test: a 10-minute simulated run of 4 GPUs, the collector stopped at minute 4 for
   * two simulated minutes (without waiting for acknowledgements, so frames are lost in flight) and
   * restarted on the same port with its persisted ledger. Every frame arrives exactly once, in order.
   */
  @Test
  void collectorStoppedForTwoMinutesMidRunStillGetsEveryFrameExactlyOnceInOrder() throws Exception {
    IngestServer first = collector(0, "tok");
    int port = first.address().getPort();
    Shipper shipper = shipper(List.of(first.address()), "tok", ShipperConfig.DEFAULT_BUFFER);
    List<Observation> sent = new ArrayList<>();
    IngestServer second = null;
    long ackedWhenStopped = -1;
    for (int t = 0; t < 600; t++) {
      if (t == 240) {
        long before = shipper.disconnections();
        first.close();
        // Acknowledgements already on the wire are still applied until the shipper sees the close.
        await(() -> shipper.disconnections() > before, "the shipper sees the collector go");
        ackedWhenStopped = shipper.acknowledgedSequence();
      }
      if (t == 360) {
        assertThat(shipper.acknowledgedSequence()).as("nothing is acknowledged while the collector is down")
            .isEqualTo(ackedWhenStopped);
        second = IngestServer.start(IngestConfig.loopback(port).withToken("tok"), listener, ledger, 1);
        toClose.add(second::close);
      }
      for (Observation o : SimulatedRun.second(t, 4)) {
        shipper.accept(o);
        sent.add(o);
      }
      if (t == 100) {
        await(() -> shipper.acknowledgedSequence() > 0, "the first frames are acknowledged");
      }
    }

    assertThat(shipper.flush(Duration.ofSeconds(20))).isTrue();

    assertThat(delivered).extracting(Delivery::sequence)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, sent.size()).boxed().toList());
    assertThat(delivered).extracting(Delivery::observation).containsExactlyElementsOf(sent);
    assertThat(delivered).extracting(d -> d.from().bootId()).containsOnly("boot-1");
    assertThat(shipper.droppedFrames()).isZero();
  }

  @Test
  void failsOverToTheNextCollectorAddress() throws Exception {
    InetSocketAddress dead;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      dead = new InetSocketAddress("127.0.0.1", s.getLocalPort());
    }
    IngestServer live = collector(0, "");
    Shipper shipper = shipper(List.of(dead, live.address()), "", ShipperConfig.DEFAULT_BUFFER);

    for (int t = 0; t < 20; t++) {
      SimulatedRun.second(t, 2).forEach(shipper::accept);
    }

    assertThat(shipper.flush(Duration.ofSeconds(20))).isTrue();
    assertThat(delivered).hasSize((int) shipper.lastSequence());
  }

  @Test
  void wrongTokenDeliversNothingAndKeepsTheFramesBuffered() throws Exception {
    IngestServer server = collector(0, "right");
    Shipper shipper = shipper(List.of(server.address()), "wrong", ShipperConfig.DEFAULT_BUFFER);
    SimulatedRun.second(0, 2).forEach(shipper::accept);

    await(() -> server.counters().refusedBadToken() >= 2, "the collector refused the token twice");

    assertThat(delivered).isEmpty();
    assertThat(shipper.acknowledgedSequence()).isZero();
    assertThat(shipper.lastSequence()).isEqualTo(3);
  }

  @Test
  void aCollectorThatSpeaksGarbageOrClosesMidFrameIsLeftAndRetried() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    ServerSocket fake = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    toClose.add(fake);
    Thread serve = new Thread(() -> {
      while (!fake.isClosed()) {
        try (Socket s = fake.accept()) {
          OutputStream out = s.getOutputStream();
          if (connections.incrementAndGet() % 2 == 1) {
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".repeat(4).getBytes());
          } else {
            // A hello-ack cut in the middle: length 10, then 3 bytes.
            out.write(new byte[] {10, 0x12, 0x08, 0x08});
          }
          out.flush();
        } catch (IOException e) {
          return;
        }
      }
    }, "fake-collector");
    serve.setDaemon(true);
    serve.start();
    Shipper shipper = shipper(List.of(new InetSocketAddress("127.0.0.1", fake.getLocalPort())), "",
        ShipperConfig.DEFAULT_BUFFER);
    SimulatedRun.second(0, 1).forEach(shipper::accept);

    await(() -> connections.get() >= 4, "the shipper reconnected after garbage and after a cut frame");

    assertThat(shipper.acknowledgedSequence()).isZero();
    assertThat(shipper.lastSequence()).isEqualTo(2);
  }

  @Test
  void aFullBufferDropsTheOldestFramesCountsThemAndShipsTheRest() throws Exception {
    RecordingLimits tiny = new RecordingLimits(16_384, 4_096, Duration.ofHours(1));
    InetSocketAddress later;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      later = new InetSocketAddress("127.0.0.1", s.getLocalPort());
    }
    Shipper shipper = shipper(List.of(later), "", tiny);
    for (int t = 0; t < 200; t++) {
      SimulatedRun.second(t, 2).forEach(shipper::accept);
    }
    assertThat(shipper.droppedFrames()).isPositive();

    IngestServer server = collector(later.getPort(), "");

    assertThat(shipper.flush(Duration.ofSeconds(20))).isTrue();
    assertThat(delivered.size() + shipper.droppedFrames()).isEqualTo(shipper.lastSequence());
    assertThat(delivered.get(delivered.size() - 1).sequence()).isEqualTo(shipper.lastSequence());
    assertThat(delivered).extracting(Delivery::sequence).isSorted();
    assertThat(server.counters().sequenceGaps()).isEqualTo(shipper.droppedFrames());
  }

  @Test
  void reconnectsToTheSameCollectorWithoutResendingWhatWasAcknowledged() throws Exception {
    IngestServer server = collector(0, "");
    Shipper shipper = shipper(List.of(server.address()), "", ShipperConfig.DEFAULT_BUFFER);
    SimulatedRun.second(0, 3).forEach(shipper::accept);
    assertThat(shipper.flush(Duration.ofSeconds(20))).isTrue();

    server.close();
    IngestServer again = collector(server.address().getPort(), "");
    SimulatedRun.second(1, 3).forEach(shipper::accept);
    assertThat(shipper.flush(Duration.ofSeconds(20))).isTrue();

    assertThat(again.counters().duplicatesDropped()).isZero();
    assertThat(delivered).extracting(Delivery::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void aBufferThatCannotBeWrittenIsCountedNeverThrowsAndRecovers() throws Exception {
    RecordingLimits tiny = new RecordingLimits(16_384, 4_096, Duration.ofHours(1));
    InetSocketAddress later;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      later = new InetSocketAddress("127.0.0.1", s.getLocalPort());
    }
    Shipper shipper = shipper(List.of(later), "", tiny);
    Path buffer = dir.resolve("buffer");
    for (int t = 0; t < 20; t++) {
      SimulatedRun.second(t, 2).forEach(shipper::accept);
    }
    // The buffer's disk goes away: new segments cannot be created.
    try (var files = java.nio.file.Files.list(buffer)) {
      for (Path p : files.toList()) {
        java.nio.file.Files.delete(p);
      }
    }
    java.nio.file.Files.delete(buffer);
    java.nio.file.Files.writeString(buffer, "not a directory");
    for (int t = 20; t < 120; t++) {
      SimulatedRun.second(t, 2).forEach(shipper::accept); // must not throw
    }
    assertThat(shipper.bufferWriteFailures()).isPositive();

    java.nio.file.Files.delete(buffer);
    java.nio.file.Files.createDirectory(buffer);
    for (int t = 120; t < 140; t++) {
      SimulatedRun.second(t, 2).forEach(shipper::accept);
    }
    collector(later.getPort(), "");

    assertThat(shipper.flush(Duration.ofSeconds(20))).isTrue();
    assertThat(delivered.get(delivered.size() - 1).sequence()).isEqualTo(shipper.lastSequence());
    assertThat(delivered).extracting(Delivery::sequence).isSorted().doesNotHaveDuplicates();
  }
}
