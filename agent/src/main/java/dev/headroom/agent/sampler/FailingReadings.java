package dev.headroom.agent.sampler;

import dev.headroom.nvml.ReadingFailure;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which optional readings of one device are failing now, by NVML function, so that each failure is
 * told to {@link ReadingTransitions} when it starts and when it ends. Owned by the sampler thread;
 * not thread-safe.
 */
final class FailingReadings {
  private final String uuid;
  private final ReadingTransitions transitions;
  // Insertion order, so recoveries are told in the order the failures began.
  private final Map<String, Streak> failing = new LinkedHashMap<>();

  FailingReadings(String uuid, ReadingTransitions transitions) {
    this.uuid = uuid;
    this.transitions = transitions;
  }

  /** Functions failing as of the last snapshot, in the order they began to fail. */
  List<String> functions() {
    return List.copyOf(failing.keySet());
  }

  /** Takes in the failures of one successful (possibly partial) snapshot of this device. */
  void update(List<ReadingFailure> failures) {
    if (failures.isEmpty() && failing.isEmpty()) {
      return; // the common case at every sample: nothing to compare, nothing allocated
    }
    for (Iterator<Map.Entry<String, Streak>> it = failing.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Streak> entry = it.next();
      if (!names(failures, entry.getKey())) {
        it.remove();
        transitions.workingAgain(uuid, entry.getKey(), entry.getValue().snapshots);
      }
    }
    for (int i = 0; i < failures.size(); i++) {
      ReadingFailure failure = failures.get(i);
      if (names(failures.subList(0, i), failure.function())) {
        continue; // the same function with a second code (two field elements): one streak
      }
      Streak streak = failing.get(failure.function());
      if (streak == null) {
        failing.put(failure.function(), new Streak());
        transitions.startedFailing(uuid, failure);
      } else {
        streak.snapshots++;
      }
    }
  }

  private static boolean names(List<ReadingFailure> failures, String function) {
    for (int i = 0; i < failures.size(); i++) {
      if (failures.get(i).function().equals(function)) {
        return true;
      }
    }
    return false;
  }

  /** Snapshots in a row that one function has failed in. */
  private static final class Streak {
    long snapshots = 1;
  }
}
