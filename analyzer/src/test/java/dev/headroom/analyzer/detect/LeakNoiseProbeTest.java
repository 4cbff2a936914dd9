package dev.headroom.analyzer.detect;

import static dev.headroom.analyzer.detect.TrainingTrace.MIB;

import dev.headroom.analyzer.model.DeviceReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeakNoiseProbeTest {
  @Test
  void probe() {
    for (long sigma : new long[] {32, 128}) {
      TrainingTrace trace = new TrainingTrace();
      trace.noiseSigmaBytes = sigma * MIB;
      List<Long> mins = new ArrayList<>();
      long[] cur = {Long.MAX_VALUE};
      long[] sec = {0};
      trace.play(Duration.ofMinutes(55), o -> {
        if (o instanceof DeviceReport r) {
          sec[0]++;
          cur[0] = Math.min(cur[0], r.usedBytes().min());
          if (sec[0] % 30 == 0) {
            if (sec[0] > 180) mins.add(cur[0]);
            cur[0] = Long.MAX_VALUE;
          }
        }
      });
      double mean = mins.stream().mapToDouble(v -> v).average().orElseThrow();
      double var = mins.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / (mins.size() - 1);
      System.out.printf("sigma %d: window-min sd %.1f MiB, mean-base %.1f MiB%n", sigma, Math.sqrt(var) / MIB, (mean - trace.contextBytes - trace.baselineBytes) / MIB);
    }
  }
}
