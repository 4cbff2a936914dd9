package dev.headroom.nvml.sim;

import dev.headroom.nvml.Bar1Memory;
import dev.headroom.nvml.DeviceInfo;
import dev.headroom.nvml.DeviceSnapshot;
import dev.headroom.nvml.DriverInfo;
import dev.headroom.nvml.GpuLostException;
import dev.headroom.nvml.GpuProcess;
import dev.headroom.nvml.MemoryReading;
import dev.headroom.nvml.Nvml;
import dev.headroom.nvml.NvmlException;
import dev.headroom.nvml.NvmlFeature;
import dev.headroom.nvml.SkippedDevice;
import dev.headroom.nvml.XidEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * The GPUs of one simulated host behind the {@link Nvml} facade, so the agent, the collector tests
 * and the demo cannot tell them from a real driver.
 *
 * <p>Memory, processes, utilization, power and temperature are pure functions of the scenario and
 * the clock's instant. Like the real binding, PCIe and NVLink rates come from cumulative byte
 * counters diffed against the previous snapshot of the same device, so the first snapshot of a
 * device has no rates. Xid events that happened before the session opened are not delivered, as
 * with the real event API.
 *
 * <p>Thread-safe: snapshots of different devices and {@link #awaitXid} may run concurrently.
 */
public final class SimulatedNvml implements Nvml {
  private static final long MIB = 1024L * 1024;
  private static final int NVML_ERROR_UNINITIALIZED = 1;
  private static final int NVML_ERROR_NOT_FOUND = 6;
  private static final int[] DGX_PCI_BUSES = {0x18, 0x2a, 0x3a, 0x5d, 0x9a, 0xab, 0xba, 0xdb};

  private final Scenario scenario;
  private final String hostName;
  private final SimulationClock clock;
  private final Map<String, DeviceModel> devicesByUuid = new LinkedHashMap<>();
  private final Map<String, TrafficCounters> lastCounters = new HashMap<>();
  private final Map<Long, SimulatedProcessInfo> processInfo = new HashMap<>();
  private final List<SimulatedRun> runs = new ArrayList<>();
  private final List<PendingXid> xids;
  private int nextXid;
  private volatile boolean closed;

  private record PendingXid(double seconds, String uuid, long code) {}

  private SimulatedNvml(Scenario scenario, Scenario.Host host, SimulationClock clock) {
    this.scenario = scenario;
    this.hostName = host.name();
    this.clock = clock;
    List<PendingXid> events = new ArrayList<>();
    int index = 0;
    for (Scenario.Device spec : host.devices()) {
      for (int copy = 0; copy < spec.count(); copy++, index++) {
        String uuid = spec.uuid() != null ? spec.uuid() : derivedUuid(scenario.seed(), hostName, index);
        DeviceInfo info =
            new DeviceInfo(uuid, index, spec.type().productName(), pciBusId(index), spec.effectiveTotalBytes());
        List<ProcessModel> models = new ArrayList<>();
        for (Scenario.Process p : spec.processes()) {
          models.add(new ProcessModel(p, copy, scenario.seed()));
        }
        DeviceModel device = new DeviceModel(info, spec, models, copy);
        devicesByUuid.put(uuid, device);
        for (int i = 0; i < models.size(); i++) {
          ProcessModel m = models.get(i);
          processInfo.put(
              m.pid,
              new SimulatedProcessInfo(
                  m.pid,
                  m.spec.name(),
                  m.spec.user(),
                  m.spec.commandLine(),
                  Optional.ofNullable(m.spec.containerId()),
                  uuid,
                  clock.instantAt(m.startSeconds)));
          if (m.spec.run() != null) {
            runs.add(new SimulatedRun(device, i, clock, hostName, index));
          }
        }
        for (Scenario.Xid x : spec.xids()) {
          events.add(new PendingXid(x.at().seconds(), uuid, x.code()));
        }
        if (spec.lostAt() != null) {
          events.add(new PendingXid(spec.lostAt().seconds(), uuid, 79)); // "fallen off the bus"
        }
      }
    }
    events.sort(Comparator.comparingDouble(PendingXid::seconds));
    this.xids = List.copyOf(events);
    double openedAt = clock.secondsAt(clock.now());
    while (nextXid < xids.size() && xids.get(nextXid).seconds() < openedAt) {
      nextXid++;
    }
  }

  /** Opens the simulated host {@code hostName} of {@code scenario}. */
  public static SimulatedNvml open(Scenario scenario, String hostName, SimulationClock clock) {
    for (Scenario.Host h : scenario.hosts()) {
      if (h.name().equals(hostName)) {
        return new SimulatedNvml(scenario, h, clock);
      }
    }
    throw new IllegalArgumentException(
        "scenario '" + scenario.name() + "' has no host '" + hostName + "' (hosts: "
            + String.join(", ", hostNames(scenario)) + ")");
  }

  /** Opens every host of {@code scenario}, in file order, on one shared clock. */
  public static List<SimulatedNvml> openAll(Scenario scenario, SimulationClock clock) {
    List<SimulatedNvml> all = new ArrayList<>();
    for (Scenario.Host h : scenario.hosts()) {
      all.add(new SimulatedNvml(scenario, h, clock));
    }
    return List.copyOf(all);
  }

  private static List<String> hostNames(Scenario scenario) {
    return scenario.hosts().stream().map(Scenario.Host::name).toList();
  }

  private static String derivedUuid(long seed, String host, int index) {
    return "GPU-" + UUID.nameUUIDFromBytes((seed + "/" + host + "/" + index).getBytes(StandardCharsets.UTF_8));
  }

  private static String pciBusId(int index) {
    return String.format("%08X:%02X:00.0", index / DGX_PCI_BUSES.length, DGX_PCI_BUSES[index % DGX_PCI_BUSES.length]);
  }

  public String hostName() {
    return hostName;
  }

  public Scenario scenario() {
    return scenario;
  }

  public SimulationClock clock() {
    return clock;
  }

  /** The runs on this host (processes with a {@code run} block), in file order. */
  public List<SimulatedRun> runs() {
    return List.copyOf(runs);
  }

  /** What the scenario says about a PID on this host, for attribution. */
  public Optional<SimulatedProcessInfo> processInfo(long pid) {
    SimulatedProcessInfo declared = processInfo.get(pid);
    if (declared != null) {
      return Optional.of(declared);
    }
    for (DeviceModel d : devicesByUuid.values()) {
      Scenario.Churn churn = d.churn;
      if (churn != null && pid >= d.churnPidBase && pid < d.churnPidBase + DeviceModel.CHURN_PIDS_PER_COPY) {
        long k = pid - d.churnPidBase;
        double start = churn.start().seconds() + k * churn.every().seconds();
        return Optional.of(
            new SimulatedProcessInfo(
                pid, churn.name(), churn.user(), churn.name(), Optional.empty(), d.info.uuid(), clock.instantAt(start)));
      }
    }
    return Optional.empty();
  }

  @Override
  public DriverInfo driver() {
    Scenario.Driver d = scenario.driver();
    return new DriverInfo(d.version(), d.nvmlVersion(), Optional.of(d.cudaVersion()));
  }

  @Override
  public List<DeviceInfo> devices() {
    return devicesByUuid.values().stream().map(d -> d.info).toList();
  }

  @Override
  public List<SkippedDevice> skippedDevices() {
    return List.of();
  }

  @Override
  public Set<NvmlFeature> unsupportedFeatures() {
    boolean anyNvlink = devicesByUuid.values().stream().anyMatch(d -> d.type.nvlinkCount() > 0);
    return anyNvlink ? Set.of() : Set.copyOf(EnumSet.of(NvmlFeature.NVLINK));
  }

  @Override
  public DeviceSnapshot snapshot(String uuid) throws NvmlException {
    if (closed) {
      throw new NvmlException("nvmlDeviceGetMemoryInfo_v2", NVML_ERROR_UNINITIALIZED, "Uninitialized");
    }
    DeviceModel d = devicesByUuid.get(uuid);
    if (d == null) {
      throw new NvmlException("nvmlDeviceGetHandleByUUID", NVML_ERROR_NOT_FOUND, "Not Found");
    }
    Instant at = clock.now();
    double t = clock.secondsAt(at);
    if (t >= d.lostAtSeconds) {
      throw new GpuLostException(uuid, "nvmlDeviceGetMemoryInfo_v2", "GPU is lost");
    }
    List<DeviceModel.Resident> residents = d.residentsAt(t);
    long used = 0;
    List<GpuProcess> processes = new ArrayList<>();
    for (DeviceModel.Resident r : residents) {
      used += r.usedBytes();
      processes.add(new GpuProcess(r.pid(), GpuProcess.ProcessKind.COMPUTE, OptionalLong.of(r.usedBytes())));
    }
    // The driver cannot hand out more than it has: between two scan points a curve may overshoot.
    used = Math.min(used, d.usableBytes());
    MemoryReading memory = new MemoryReading(d.totalBytes, d.reservedBytes, used, d.usableBytes() - used);

    DeviceActivity activity = DeviceActivity.of(d, t, scenario.seed());
    long bar1Used = 2 * MIB + 4 * MIB * processes.size();
    Bar1Memory bar1 = new Bar1Memory(d.type.bar1TotalBytes(), bar1Used, d.type.bar1TotalBytes() - bar1Used);

    TrafficCounters counters = TrafficCounters.of(d, t);
    Optional<TrafficCounters> previous;
    synchronized (lastCounters) {
      previous = Optional.ofNullable(lastCounters.put(uuid, counters));
    }
    return new DeviceSnapshot(
        uuid,
        at,
        memory,
        Optional.of(bar1),
        processes,
        Optional.of(activity.utilization()),
        Optional.of(counters.pcie(previous, d.type)),
        counters.nvlink(previous, d.type),
        OptionalInt.of(activity.temperatureCelsius()),
        OptionalLong.of(activity.powerMilliwatts()),
        OptionalLong.of(activity.energyMillijoules()));
  }

  /**
   * Returns the next Xid due by now, else waits for the next one. {@code timeout} is wall-clock
   * time; with a compressed clock it covers {@code timeout × factor} of simulated time. With a
   * {@link ManualClock} the wait is instantaneous and moves the clock.
   */
  @Override
  public Optional<XidEvent> awaitXid(Duration timeout) {
    if (closed) {
      return Optional.empty();
    }
    Instant now = clock.now();
    double deadline = clock.secondsAt(now) + simulatedSeconds(timeout);
    PendingXid next;
    synchronized (xids) {
      next = nextXid < xids.size() ? xids.get(nextXid) : null;
      if (next != null && next.seconds() <= clock.secondsAt(now)) {
        nextXid++;
        return Optional.of(toEvent(next));
      }
    }
    try {
      if (next == null || next.seconds() > deadline) {
        clock.sleepUntil(clock.instantAt(deadline));
        return Optional.empty();
      }
      clock.sleepUntil(clock.instantAt(next.seconds()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    synchronized (xids) {
      if (nextXid < xids.size() && xids.get(nextXid) == next) {
        nextXid++;
        return Optional.of(toEvent(next));
      }
      return Optional.empty(); // another thread took it
    }
  }

  private double simulatedSeconds(Duration wallTimeout) {
    double wallSeconds = wallTimeout.toNanos() / 1e9;
    return clock instanceof CompressedClock c ? wallSeconds * c.factor() : wallSeconds;
  }

  private XidEvent toEvent(PendingXid x) {
    return new XidEvent(x.uuid(), x.code(), clock.instantAt(x.seconds()));
  }

  @Override
  public void close() {
    closed = true;
  }
}
