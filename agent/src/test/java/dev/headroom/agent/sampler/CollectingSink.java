package dev.headroom.agent.sampler;

import dev.headroom.agent.ObservationSink;
import dev.headroom.analyzer.model.Observation;
import java.util.ArrayList;
import java.util.List;

/** Keeps every observation, in order, for the test to inspect; thread-safe. */
public class CollectingSink implements ObservationSink {
  private final List<Observation> seen = new ArrayList<>();

  @Override
  public synchronized void accept(Observation observation) {
    seen.add(observation);
    notifyAll();
  }

  /** Everything seen of one type, in order. */
  public synchronized <T extends Observation> List<T> all(Class<T> type) {
    return seen.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Waits (bounded) until {@code count} observations of {@code type} arrived. */
  public synchronized <T extends Observation> List<T> await(Class<T> type, int count, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (all(type).size() < count) {
      long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
      if (leftMillis <= 0) {
        break;
      }
      wait(leftMillis);
    }
    return all(type);
  }
}
