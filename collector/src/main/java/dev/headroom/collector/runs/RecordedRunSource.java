package dev.headroom.collector.runs;

import dev.headroom.collector.ObservationListener;
import java.io.IOException;

/**
 * Where a run restored from its summary finds its recorded observations, the first time its series
 * are needed. The collector's recordings implement it.
 */
@FunctionalInterface
public interface RecordedRunSource {

  /**
   * Hands every recorded observation of {@code runId} to {@code into}, in sequence order within
   * each agent life, each frame once.
   *
   * @return the number of observations handed over
   */
  long replay(String runId, ObservationListener into) throws IOException;
}
