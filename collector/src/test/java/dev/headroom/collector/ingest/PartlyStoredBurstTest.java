package dev.headroom.collector.ingest;

import static dev.headroom.collector.testing.Observations.GIB;
import static dev.headroom.collector.testing.Observations.T0;
import static dev.headroom.collector.testing.Observations.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.collector.runs.RegistryPolicy;
import dev.headroom.collector.runs.RunPredictor;
import dev.headroom.collector.runs.RunRegistry;
import dev.headroom.collector.store.RetentionPolicy;
import dev.headroom.collector.store.RunRecordings;
import dev.headroom.collector.testing.MutableClock;
import dev.headroom.protocol.recording.RecordedObservation;
import dev.headroom.protocol.wire.Frames;
import dev.headroom.protocol.wire.pb.Frame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage fails partway through a burst, for real: one run's recording folder cannot be created
 * (a file stands where it should be) while the other run's is written. The agent, over a real
 * socket, is told to resume after the stored prefix and sends the rest again; every frame ends up
 * in each of its runs' recordings exactly once.
 */
class PartlyStoredBurstTest {
  private static final String RUN_A = RunRegistry.processRunId("node-1", "GPU-a", 11);
  private static final String RUN_B = RunRegistry.processRunId("node-1", "GPU-b", 22);
  private static final int FRAMES = 20;

  @TempDir Path dir;

  /** Odd frames: a report of GPU-a (run A); even ones: GPU-b (run B). */
  private static Frame frame(long s) {
    return Frames.observation(s, s % 2 == 1
        ? report("node-1", "GPU-a", 0, T0.plusSeconds(s), 10 * GIB, 11)
        : report("node-1", "GPU-b", 1, T0.plusSeconds(s), 20 * GIB, 22));
  }

  private static Frame[] frames(long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(PartlyStoredBurstTest::frame).toArray(Frame[]::new);
  }

  @Test
  void framesStoredBeforeTheFailureAreNotStoredAgainWhenTheAgentResends() throws Exception {
    MutableClock clock = new MutableClock(T0);
    try (RunRecordings recordings = new RunRecordings(dir, RetentionPolicy.DEFAULT, clock)) {
      RunRegistry registry = new RunRegistry(RunPredictor.NONE, RegistryPolicy.DEFAULT, clock);
      registry.addListener(recordings);
      Path blocked = recordings.runDirectory(RUN_B);
      Files.writeString(blocked, "not a folder"); // run B's recording cannot be created
      IngestServer server = IngestServer.start(IngestConfig.loopback(0), registry, new InMemoryDeliveryLedger(), 1);
      try {
        try (RawAgent agent = new RawAgent(server.address())) {
          agent.send(Frames.hello("agent-1", "boot-1", "node-1", "test", ""));
          assertThat(agent.read().getHelloAck().getLastSequence()).isZero();
          agent.send(frames(1, FRAMES)); // one write: one burst, runs A and B interleaved
          assertThat(agent.closedByPeer()).as("the collector refuses the burst it could not store").isTrue();
        }
        Files.delete(blocked); // the disk is fine again

        try (RawAgent agent = new RawAgent(server.address())) {
          agent.send(Frames.hello("agent-1", "boot-1", "node-1", "test", ""));
          long resumeAfter = agent.read().getHelloAck().getLastSequence();
          // Frame 1 (run A) was stored in full; frame 2 (run B) was not.
          assertThat(resumeAfter).isEqualTo(1);
          agent.send(frames(resumeAfter + 1, FRAMES));
          assertThat(agent.awaitAck(FRAMES)).isEqualTo(FRAMES);
        }
      } finally {
        server.close();
      }
      assertThat(sequences(recordings.read(RUN_A))).as("run A, written once before the failure and not again")
          .containsExactly(LongStream.rangeClosed(1, FRAMES).filter(s -> s % 2 == 1).boxed().toArray(Long[]::new));
      assertThat(sequences(recordings.read(RUN_B)))
          .containsExactly(LongStream.rangeClosed(1, FRAMES).filter(s -> s % 2 == 0).boxed().toArray(Long[]::new));
      assertThat(recordings.resentFramesSkipped()).as("run A's frames of the refused burst came again").isPositive();
    }
  }

  private static List<Long> sequences(List<RecordedObservation> recorded) {
    List<Long> out = new ArrayList<>();
    recorded.forEach(r -> out.add(r.sequence()));
    return out;
  }
}
