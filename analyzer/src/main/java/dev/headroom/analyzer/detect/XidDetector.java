package dev.headroom.analyzer.detect;

import dev.headroom.analyzer.alert.AlertKind;
import dev.headroom.analyzer.alert.Condition;
import dev.headroom.analyzer.alert.Severity;
import dev.headroom.analyzer.model.DeviceReport;
import dev.headroom.analyzer.model.XidObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Xid error: the driver logged a critical error for the GPU. Xids are events, so the alert holds
 * until a report shows {@code xidQuiet} has passed without another one (judged on the agent's
 * clock, the same clock the Xid carries). One GPU; not thread-safe.
 */
public final class XidDetector {
  /** Xids that mean the hardware or the driver is broken, not the application (NVIDIA's Xid catalogue). */
  private static final Set<Long> HARDWARE_XIDS = Set.of(48L, 61L, 62L, 64L, 74L, 79L, 95L, 119L, 120L);

  private static final Map<Long, String> MEANINGS =
      Map.ofEntries(
          Map.entry(13L, "graphics engine exception (often an application fault)"),
          Map.entry(31L, "GPU memory page fault (illegal address in the application)"),
          Map.entry(43L, "GPU stopped processing (application fault)"),
          Map.entry(45L, "preemptive cleanup after an earlier error"),
          Map.entry(48L, "double-bit ECC error"),
          Map.entry(61L, "internal micro-controller breakpoint"),
          Map.entry(62L, "internal micro-controller halt"),
          Map.entry(63L, "ECC page retirement or row remapping recorded"),
          Map.entry(64L, "ECC page retirement or row remapping failed"),
          Map.entry(74L, "NVLink error"),
          Map.entry(79L, "GPU has fallen off the bus"),
          Map.entry(92L, "high single-bit ECC error rate"),
          Map.entry(94L, "contained ECC error"),
          Map.entry(95L, "uncontained ECC error"),
          Map.entry(119L, "GSP RPC timeout"),
          Map.entry(120L, "GSP error"));

  private final DetectorConfig config;
  private XidObservation lastXid;
  private int count;

  public XidDetector(DetectorConfig config) {
    this.config = config;
  }

  public void observe(XidObservation xid) {
    lastXid = xid;
    count++;
  }

  public void observe(DeviceReport report) {
    if (lastXid != null
        && Duration.between(lastXid.at(), report.at()).compareTo(config.xidQuiet()) >= 0) {
      lastXid = null;
      count = 0;
    }
  }

  public Optional<Condition> condition() {
    if (lastXid == null) {
      return Optional.empty();
    }
    long xid = lastXid.xid();
    boolean hardware = HARDWARE_XIDS.contains(xid);
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("xid", (double) xid);
    values.put("count", (double) count);
    String meaning = MEANINGS.getOrDefault(xid, "see NVIDIA's Xid catalogue");
    String explanation =
        "Xid " + xid + " (" + meaning + ") on " + lastXid.hostname() + ", " + count
            + " since the last quiet period";
    String action =
        hardware
            ? "Treat the GPU as faulty: drain the node, check `nvidia-smi -q -d ECC,PAGE_RETIREMENT` and reset or RMA"
            : "Look at the training process's own errors first (illegal memory access, kernel faults); "
                + "a restart usually clears it";
    return Optional.of(
        new Condition(AlertKind.XID_ERROR, hardware ? Severity.CRITICAL : Severity.WARNING, values, explanation, action));
  }

  /** When the last Xid arrived, for tests and the API. */
  Optional<Instant> lastAt() {
    return Optional.ofNullable(lastXid).map(XidObservation::at);
  }
}
