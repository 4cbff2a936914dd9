package dev.headroom.collector.ingest;

import static dev.headroom.collector.testing.Observations.GIB;
import static dev.headroom.collector.testing.Observations.T0;
import static dev.headroom.collector.testing.Observations.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.collector.ObservationListener;
import dev.headroom.protocol.wire.Frames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A full disk fails every burst of every agent, and each agent reconnects and fails again: the log
 * gets one stack trace per kind of failure, one line for each later one, and a line when storing
 * works again. The connection is still closed each time so the agent replays.
 */
class StorageFailuresTest {
  private static final IOException DISK_FULL = new IOException("No space left on device");

  private static RuntimeException storageFailure(IOException cause) {
    return new IllegalStateException("cannot record frames", new UncheckedIOException(cause));
  }

  @Test
  void theFirstFailureOfEachKindGetsItsStackTraceUntilStoringWorksAgain() {
    StorageFailures failures = new StorageFailures();
    assertThat(failures.stored()).as("nothing failed").isZero();

    assertThat(failures.failed(storageFailure(DISK_FULL))).isTrue();
    assertThat(failures.failed(storageFailure(new IOException("No space left on device (again)")))).isFalse();
    assertThat(failures.failed(storageFailure(new AccessDeniedException("/data/recordings/run-1")))).as("another kind")
        .isTrue();
    assertThat(failures.failed(storageFailure(DISK_FULL))).isFalse();

    assertThat(failures.stored()).isEqualTo(4);
    assertThat(failures.stored()).as("said once").isZero();
    assertThat(failures.failed(storageFailure(DISK_FULL))).as("a new outage starts afresh").isTrue();
  }

  @Test
  void theOneLineNamesTheRootCause() {
    assertThat(StorageFailures.rootMessage(storageFailure(DISK_FULL))).isEqualTo("IOException: No space left on device");
    assertThat(StorageFailures.rootMessage(new IllegalStateException())).isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  void aFullDiskOverARealSocketLogsOneStackTraceThenOneLinePerBurstAndTheRecovery() throws Exception {
    AtomicBoolean diskFull = new AtomicBoolean(true);
    ObservationListener storage = (from, sequence, observation) -> {
      if (diskFull.get()) {
        throw storageFailure(DISK_FULL);
      }
    };
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    IngestServer server = IngestServer.start(IngestConfig.loopback(0), storage, new InMemoryDeliveryLedger(), 1);
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      for (int attempt = 1; attempt <= 3; attempt++) {
        assertThat(sendOneFrame(server, "boot-1")).as("attempt %d refused, so the agent replays", attempt).isFalse();
      }
      diskFull.set(false);
      assertThat(sendOneFrame(server, "boot-1")).as("stored and acknowledged").isTrue();
      diskFull.set(true);
      assertThat(sendOneFrame(server, "boot-2")).as("a second outage, the agent restarted").isFalse();
    } finally {
      System.setErr(originalErr);
      server.close();
    }

    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    List<String> refusals = lines.stream().filter(l -> l.contains("could not be stored")).toList();
    assertThat(refusals).hasSize(4);
    assertThat(refusals.get(0)).contains("further failures like this one are logged in one line");
    assertThat(refusals.subList(1, 3)).allSatisfy(l -> assertThat(l)
        .contains("frames 1..1 could not be stored (stored through 0): IOException: No space left on device")
        .contains("closing so the agent replays"));
    assertThat(lines).as("a stack trace for the first failure of each outage only")
        .filteredOn(l -> l.startsWith("java.lang.IllegalStateException: cannot record frames")).hasSize(2);
    assertThat(lines).filteredOn(l -> l.contains("recordings writable again after 3 failed burst(s)")).hasSize(1);
    assertThat(lines.indexOf(refusals.get(3))).as("the second outage's first failure has its trace again")
        .isLessThan(lines.size() - 1);
    assertThat(lines.get(lines.indexOf(refusals.get(3)) + 1)).startsWith("java.lang.IllegalStateException");
  }

  /** One agent life's frame 1: true when acknowledged, false when the collector closed instead. */
  private static boolean sendOneFrame(IngestServer server, String bootId) throws IOException {
    try (RawAgent agent = new RawAgent(server.address())) {
      agent.send(Frames.hello("agent-1", bootId, "node-1", "test", ""));
      assertThat(agent.read().getHelloAck().getLastSequence()).isZero();
      agent.send(Frames.observation(1, report("node-1", "GPU-a", 0, T0.plusSeconds(1), 10 * GIB, 11)));
      try {
        return agent.awaitAck(1) == 1;
      } catch (IOException closed) {
        return false;
      }
    }
  }
}
