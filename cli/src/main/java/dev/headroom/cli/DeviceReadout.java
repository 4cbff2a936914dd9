package dev.headroom.cli;

import dev.headroom.agent.attribution.ProcessAttribution;
import dev.headroom.agent.attribution.ProcessAttributor;
import dev.headroom.nvml.DeviceInfo;
import dev.headroom.nvml.DeviceSnapshot;
import dev.headroom.nvml.GpuLostException;
import dev.headroom.nvml.GpuProcess;
import dev.headroom.nvml.NvmlException;
import dev.headroom.nvml.SkippedDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One pass over every GPU of every host: a snapshot per device (or why there is none) and each
 * process with its attribution. What {@code headroom devices} prints, in text or JSON.
 */
record DeviceReadout(List<HostReadout> hosts) {

  DeviceReadout {
    hosts = List.copyOf(hosts);
  }

  /** One host's devices, plus those NVML counted but could not open. */
  record HostReadout(String hostName, List<Gpu> gpus, List<SkippedDevice> skipped) {
    HostReadout {
      gpus = List.copyOf(gpus);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * One GPU.
   *
   * @param snapshot empty when the read failed
   * @param failure why the read failed: {@code lost} for GPU_IS_LOST, else NVML's words
   */
  record Gpu(DeviceInfo info, Optional<DeviceSnapshot> snapshot, Optional<String> failure, List<Proc> processes) {
    Gpu {
      processes = List.copyOf(processes);
    }

    boolean lost() {
      return failure.filter("lost"::equals).isPresent();
    }
  }

  /** A process on a GPU and who it is. */
  record Proc(GpuProcess process, ProcessAttribution who) {}

  static DeviceReadout read(NvmlSourceOptions.OpenedSource source) {
    List<HostReadout> hosts = new ArrayList<>();
    for (NvmlSourceOptions.HostSession host : source.hosts()) {
      List<Gpu> gpus = new ArrayList<>();
      for (DeviceInfo info : host.nvml().devices()) {
        gpus.add(readOne(host, info, source.attributor()));
      }
      hosts.add(new HostReadout(host.hostName(), gpus, host.nvml().skippedDevices()));
    }
    return new DeviceReadout(hosts);
  }

  private static Gpu readOne(NvmlSourceOptions.HostSession host, DeviceInfo info, ProcessAttributor attributor) {
    try {
      DeviceSnapshot snap = host.nvml().snapshot(info.uuid());
      List<Proc> procs = new ArrayList<>();
      for (GpuProcess p : snap.processes()) {
        procs.add(new Proc(p, attributor.attribute(p.pid())));
      }
      return new Gpu(info, Optional.of(snap), Optional.empty(), procs);
    } catch (GpuLostException e) {
      return new Gpu(info, Optional.empty(), Optional.of("lost"), List.of());
    } catch (NvmlException e) {
      return new Gpu(info, Optional.empty(), Optional.of(e.getMessage()), List.of());
    }
  }
}
