package dev.headroom.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.agent.attribution.ProcessAttribution;
import dev.headroom.nvml.DeviceSnapshot;
import dev.headroom.nvml.MemoryReading;
import dev.headroom.nvml.SkippedDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints a {@link DeviceReadout}: aligned text for people, or one JSON object per GPU per line for
 * scripts. Bytes stay bytes in JSON; GiB appear only in the text.
 */
final class DeviceReadoutFormat {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double GIB = 1024.0 * 1024 * 1024;

  private DeviceReadoutFormat() {}

  /** Text lines: a header per host, one line per GPU, one indented line per process. */
  static List<String> text(DeviceReadout readout, String sourceNote) {
    List<String> lines = new ArrayList<>();
    for (DeviceReadout.HostReadout host : readout.hosts()) {
      lines.add(host.hostName() + sourceNote);
      if (host.gpus().isEmpty() && host.skipped().isEmpty()) {
        lines.add("  no GPUs");
      }
      for (DeviceReadout.Gpu gpu : host.gpus()) {
        lines.add(gpuLine(gpu));
        for (DeviceReadout.Proc p : gpu.processes()) {
          lines.add(processLine(p));
        }
        // A partial snapshot: say what could not be read, so an empty process list reads as
        // "unknown" rather than "idle".
        gpu.snapshot().ifPresent(s -> s.failedReadings().forEach(f -> lines.add("        unread: " + f.message())));
      }
      for (SkippedDevice s : host.skipped()) {
        lines.add(String.format(Locale.ROOT, "  %2d  (not opened: %s)", s.index(), s.reason()));
      }
    }
    return lines;
  }

  private static String gpuLine(DeviceReadout.Gpu gpu) {
    String head = String.format(Locale.ROOT, "  %2d  %-24s %s", gpu.info().index(), gpu.info().name(), gpu.info().uuid());
    if (gpu.snapshot().isEmpty()) {
      return head + "  " + (gpu.lost() ? "LOST (GPU_IS_LOST: fell off the bus)" : "read failed: " + gpu.failure().orElse("?"));
    }
    MemoryReading m = gpu.snapshot().get().memory();
    return head
        + String.format(
            Locale.ROOT,
            "  %6.2f / %6.2f GiB  %5.1f %%",
            m.usedBytes() / GIB,
            m.usableBytes() / GIB,
            100 * m.usedRatio());
  }

  private static String processLine(DeviceReadout.Proc p) {
    ProcessAttribution who = p.who();
    String name =
        switch (who.status()) {
          case ALIVE -> who.name().orElse("?");
          case DEAD -> "(exited)";
          case NOT_VISIBLE -> "(other PID namespace)";
        };
    String user = who.user().orElse("-");
    String memory =
        p.process().usedGpuMemoryBytes().isPresent()
            ? String.format(Locale.ROOT, "%6.2f GiB", p.process().usedGpuMemoryBytes().getAsLong() / GIB)
            : "   n/a";
    String container = who.container().map(c -> "  " + c.label()).orElse("");
    return String.format(Locale.ROOT, "        pid %-8d %-16s %-10s %s%s", p.process().pid(), name, user, memory, container);
  }

  /** One compact JSON object per GPU, each on its own line. */
  static List<String> json(DeviceReadout readout) {
    List<String> lines = new ArrayList<>();
    for (DeviceReadout.HostReadout host : readout.hosts()) {
      for (DeviceReadout.Gpu gpu : host.gpus()) {
        lines.add(gpuJson(host.hostName(), gpu).toString());
      }
    }
    return lines;
  }

  private static ObjectNode gpuJson(String hostName, DeviceReadout.Gpu gpu) {
    ObjectNode o = JSON.createObjectNode();
    o.put("host", hostName);
    o.put("index", gpu.info().index());
    o.put("uuid", gpu.info().uuid());
    o.put("name", gpu.info().name());
    o.put("pciBusId", gpu.info().pciBusId());
    o.put("state", gpu.snapshot().isPresent() ? "ok" : gpu.lost() ? "lost" : "error");
    gpu.failure().filter(f -> !gpu.lost()).ifPresent(f -> o.put("error", f));
    if (gpu.snapshot().isPresent()) {
      DeviceSnapshot s = gpu.snapshot().get();
      MemoryReading m = s.memory();
      o.put("timestamp", s.timestamp().toString());
      o.put("totalBytes", m.totalBytes());
      o.put("reservedBytes", m.reservedBytes());
      o.put("usableBytes", m.usableBytes());
      o.put("usedBytes", m.usedBytes());
      o.put("freeBytes", m.freeBytes());
      o.put("usedRatio", Math.round(m.usedRatio() * 1e4) / 1e4);
      s.utilization().ifPresent(u -> o.put("gpuUtilizationPercent", u.gpuPercent()));
      s.temperatureCelsius().ifPresent(t -> o.put("temperatureCelsius", t));
      s.powerMilliwatts().ifPresent(p -> o.put("powerMilliwatts", p));
      if (s.isPartial()) {
        ArrayNode failed = o.putArray("failedReadings");
        s.failedReadings().forEach(f -> failed.addObject().put("function", f.function())
            .put("returnCode", f.returnCode()).put("message", f.message()));
      }
    } else {
      o.put("totalBytes", gpu.info().totalMemoryBytes());
    }
    ArrayNode procs = o.putArray("processes");
    for (DeviceReadout.Proc p : gpu.processes()) {
      ObjectNode j = procs.addObject();
      ProcessAttribution who = p.who();
      j.put("pid", p.process().pid());
      j.put("status", who.status().name().toLowerCase(Locale.ROOT));
      who.name().ifPresent(n -> j.put("name", n));
      who.user().ifPresent(u -> j.put("user", u));
      who.commandLine().ifPresent(c -> j.put("commandLine", c));
      who.container().ifPresent(c -> j.put("container", c.label()));
      if (p.process().usedGpuMemoryBytes().isPresent()) {
        j.put("usedGpuMemoryBytes", p.process().usedGpuMemoryBytes().getAsLong());
      } else {
        j.putNull("usedGpuMemoryBytes");
      }
    }
    return o;
  }
}
