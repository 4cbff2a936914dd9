package dev.headroom.analyzer.detect;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.DeviceState;
import java.util.Map;
import java.util.Optional;

/** GPU lost: the driver answered GPU_IS_LOST; holds until a report reads the GPU normally again. */
public final class GpuLostDetector {
  private DeviceReport lost;

  public void observe(DeviceReport report) {
    if (report.state() == DeviceState.LOST) {
      lost = report;
    } else if (report.state() == DeviceState.OK) {
      lost = null;
    }
  }

  public Optional<Condition> condition() {
    if (lost == null) {
      return Optional.empty();
    }
    return Optional.of(
        new Condition(
            AlertKind.GPU_LOST,
            Severity.CRITICAL,
            Map.of("index", (double) lost.index()),
            "GPU " + lost.index() + " (" + lost.uuid() + ") on " + lost.hostname()
                + " fell off: the driver reports GPU_IS_LOST; the run on it has failed or will",
            "Drain the node and check `dmesg` for Xid 79/48; the GPU needs a reset or a reboot"));
  }
}
