package dev.headroom.collector.testing;

import dev.headroom.collector.Collector;
import dev.headroom.collector.CollectorConfig;
import dev.headroom.collector.runs.PredictedPeaks;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A collector in a child JVM, for the SIGKILL test: starts on free loopback ports with the periodic
 * catalog flush far away, prints its ingest port, and runs until it is killed.
 */
public final class CollectorProcess {
  private CollectorProcess() {}

  public static void main(String[] args) throws Exception {
    CollectorConfig c = config(Path.of(args[0]));
    Collector collector = Collector.start(c, spec -> PredictedPeaks.of(74L << 30, 66L << 30, 70L << 30, "test"),
        Clock.systemUTC());
    System.out.println("ingest " + collector.ingestAddress().getPort());
    System.out.flush();
    Thread.sleep(Duration.ofMinutes(5).toMillis()); // the test kills it long before
  }

  public static CollectorConfig config(Path dataDir) {
    CollectorConfig c = CollectorConfig.defaults(dataDir)
        .withListen(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0));
    return new CollectorConfig(c.ingestListen(), c.httpListen(), c.token(), c.dataDir(), c.webhooks(),
        c.alertmanager(), c.registryPolicy(), c.detectors(), c.retention(), Duration.ofHours(1));
  }
}
