package dev.headroom.analyzer.detect;

import static dev.headroom.analyzer.detect.TrainingTrace.MIB;

import dev.headroom.analyzer.model.DeviceReport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeakProbeTest {
  @Test
  void probe() {
    for (long sigma : Long.getLong("sig") != null ? new long[] {Long.getLong("sig")} : new long[] {32, 128}) {
      for (boolean marks : Boolean.getBoolean("one") ? new boolean[] {false} : new boolean[] {false, true}) {
        StringBuilder sb = new StringBuilder("sigma " + sigma + " marks " + marks + ":");
        for (long seed = 1; seed <= Long.getLong("seeds", 7L); seed++) {
          TrainingTrace trace = new TrainingTrace();
          trace.leakBytesPerMinute = 20 * MIB;
          trace.noiseSigmaBytes = sigma * MIB;
          trace.stepMarks = marks;
          trace.seed = seed;
          DetectorConfig c = DetectorConfig.defaults();
          c = new DetectorConfig(c.dangerRatio(), c.dangerClearRatio(), c.dangerReports(), c.predictedOomRatio(), c.leakWarmUp(),
              Duration.ofSeconds(Long.getLong("win", 30L)), c.leakMinFitSpan(), c.leakMaxFitSpan(), c.leakSegments(), c.leakMinSlopeBytesPerMinute(),
              c.leakMinGrowthBytes(), c.fragmentationRatio(), c.fragmentationGpuRatio(), c.fragmentationSamples(), c.deviationOverFactor(),
              c.deviationUnderFactor(), c.deviationMinObserved(), c.deadProcessReports(), c.xidQuiet(), c.silentIntervals(), c.defaultReportInterval());
          GpuDetectors d = new GpuDetectors(c);
          long[] at = {-1};
          double[] slope = {0};
          long[] sec = {0};
          trace.play(Duration.ofMinutes(45), o -> {
            d.observe(o);
            if (o instanceof DeviceReport r) {
              sec[0]++;
              if (at[0] < 0 && !d.conditions().isEmpty()) {
                at[0] = sec[0];
                slope[0] = d.conditions().get(0).values().getOrDefault("slopeBytesPerMinute", 0.0) / MIB;
              }
            }
          });
          sb.append(String.format(" %.1fmin(%.1f)", at[0] / 60.0, slope[0]));
        }
        System.out.println(sb);
      }
    }
  }
}
