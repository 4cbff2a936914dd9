package dev.headroom.analyzer.detect;

import static dev.headroom.analyzer.detect.TrainingTrace.GIB;

import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import dev.headroom.analyzer.model.ProcessReport;
import dev.headroom.analyzer.model.Stats;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Hand-made device reports for an 80 GiB GPU with no driver-reserved memory (usable = 80 GiB). */
final class Reports {
  static final long TOTAL = 80 * GIB;

  private Reports() {}

  static DeviceReport at(int second, Stats used, DeviceState state, List<ProcessReport> processes) {
    Instant end = TrainingTrace.at(second);
    return new DeviceReport(
        "node-1", "GPU-test", 0, "Test GPU", end.minusSeconds(1), end, state == DeviceState.OK ? 10 : 0, state,
        TOTAL, 0, used, processes, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** A report whose peak is {@code peakRatio} of usable and whose last sample is far lower. */
  static DeviceReport peak(int second, double peakRatio) {
    long max = (long) (peakRatio * TOTAL);
    return at(second, new Stats(max / 2, max, max / 2), DeviceState.OK, List.of());
  }
}
