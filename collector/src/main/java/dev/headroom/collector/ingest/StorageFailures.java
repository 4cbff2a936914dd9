package dev.headroom.collector.ingest;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the ingest says about bursts storage refused, shared by every connection: a full disk fails
 * every burst of every agent, each of which reconnects and fails again, so a stack trace per burst
 * would flood the log with the same one. The first failure of a kind (the class of its root cause)
 * since storing last worked gets its stack trace, later ones one line; the first stored burst
 * after failures says how many failed.
 *
 * <p>Thread-safe. {@link #stored()} is on the ingest path: one volatile read while nothing fails.
 */
final class StorageFailures {
  private final AtomicLong failedBursts = new AtomicLong();
  private final Set<Class<?>> kindsSeen = ConcurrentHashMap.newKeySet();

  /**
   * A burst could not be stored.
   *
   * @return true when this is the first failure of its kind since storing last worked: log its stack trace
   */
  boolean failed(Throwable failure) {
    failedBursts.incrementAndGet();
    return kindsSeen.add(rootCause(failure).getClass());
  }

  /**
   * A burst was stored.
   *
   * @return how many bursts failed since storing last worked; 0 when none did
   */
  long stored() {
    if (failedBursts.get() == 0) {
      return 0;
    }
    long failed = failedBursts.getAndSet(0);
    if (failed > 0) {
      // The next outage starts afresh: its first failure of each kind gets a stack trace again.
      kindsSeen.clear();
    }
    return failed;
  }

  /** The innermost cause's message: the one line worth repeating (a disk full says so there). */
  static String rootMessage(Throwable failure) {
    Throwable root = rootCause(failure);
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getName() : root.getClass().getSimpleName() + ": " + message;
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }
}
