package dev.headroom.nvml.sim;

import dev.headroom.nvml.Bar1Memory;
import dev.headroom.nvml.DeviceInfo;
import dev.headroom.nvml.DeviceSnapshot;
import dev.headroom.nvml.DriverInfo;
import dev.headroom.nvml.GpuLostException;
import dev.headroom.nvml.GpuProcess;
import dev.headroom.nvml.MemoryReading;
import dev.headroom.nvml.NvLinkStatus;
import dev.headroom.nvml.Nvml;
import dev.headroom.nvml.NvmlException;
import dev.headroom.nvml.NvmlFeature;
import dev.headroom.nvml.PcieStatus;
import dev.headroom.nvml.SkippedDevice;
import dev.headroom.nvml.Utilization;
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
  private final Map<String, Counters> lastCounters = new HashMap<>();
  private final Map<Long, SimulatedProcessInfo> processInfo = new HashMap<>();
  private final List<SimulatedRun> runs = new ArrayList<>();
  private final List<PendingXid> xids;
  private int nextXid;
  private volatile boolean closed;

  private record PendingXid(double seconds, String uuid, long code) {}

  /** Cumulative counters of one device at one instant. */
  private record Counters(double seconds, double pcieTx, double pcieRx, double nvlinkTx, double nvlinkRx) {}

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

    int gpuPercent = 0;
    int memoryPercent = 0;
    double watts = d.type.idleWatts();
    double energyJoules = d.type.idleWatts() * t;
    double wattsPerPercent = (d.type.maxWatts() - d.type.idleWatts()) / 100.0;
    Counters counters = new Counters(t, 0, 0, 0, 0);
    for (int i = 0; i < d.processes.size(); i++) {
      ProcessModel p = d.processes.get(i);
      double alive = d.aliveSecondsBy(i, t);
      energyJoules += wattsPerPercent * p.spec.gpuPercent() * alive;
      counters = plus(counters, p, alive);
      if (d.aliveAt(i, t)) {
        gpuPercent += p.spec.gpuPercent();
        memoryPercent += p.spec.memoryPercent();
      }
    }
    long seed = scenario.seed();
    long key = d.info.index();
    if (gpuPercent > 0) {
      gpuPercent = clampPercent(gpuPercent + (int) Math.round(2 * Noise.unit(seed, key * 31 + 1, t)));
      memoryPercent = clampPercent(memoryPercent + (int) Math.round(2 * Noise.unit(seed, key * 31 + 2, t)));
    }
    watts += wattsPerPercent * gpuPercent;
    int temperature = (int) Math.round(30 + 0.45 * gpuPercent + Noise.unit(seed, key * 31 + 3, t));

    long bar1Used = 2 * MIB + 4 * MIB * processes.size();
    Bar1Memory bar1 = new Bar1Memory(d.type.bar1TotalBytes(), bar1Used, d.type.bar1TotalBytes() - bar1Used);

    Optional<Counters> previous;
    synchronized (lastCounters) {
      previous = Optional.ofNullable(lastCounters.put(uuid, counters));
    }
    PcieStatus pcie =
        new PcieStatus(
            rate(previous, counters, Counters::pcieTx),
            rate(previous, counters, Counters::pcieRx),
            OptionalInt.of(d.type.pcieGeneration()),
            OptionalInt.of(d.type.pcieGeneration()),
            OptionalInt.of(16),
            OptionalInt.of(16),
            OptionalLong.of(0));
    Optional<NvLinkStatus> nvlink = nvlinkStatus(d.type.nvlinkCount(), previous, counters);

    return new DeviceSnapshot(
        uuid,
        at,
        memory,
        Optional.of(bar1),
        processes,
        Optional.of(new Utilization(clampPercent(gpuPercent), clampPercent(memoryPercent))),
        Optional.of(pcie),
        nvlink,
        OptionalInt.of(temperature),
        OptionalLong.of(Math.round(watts * 1000)),
        OptionalLong.of(Math.round(energyJoules * 1000)));
  }

  private static int clampPercent(int percent) {
    return Math.max(0, Math.min(100, percent));
  }

  /**
   * Adds one process's traffic over its {@code aliveSeconds}. The rate swings ±15 % over a training
   * step (gradient all-reduce and data loading come in bursts); the counter is the exact integral of
   * that swing, so diffs of it give believable, reproducible rates.
   */
  private static Counters plus(Counters c, ProcessModel p, double aliveSeconds) {
    Scenario.Traffic tr = p.spec.traffic();
    double period = 10.0;
    for (CurvePart part : p.spec.memory()) {
      if (part instanceof CurvePart.Sawtooth s) {
        period = s.period().seconds();
        break;
      }
    }
    double w = 2 * Math.PI / period;
    double effectiveSeconds = aliveSeconds + 0.15 * (1 - Math.cos(w * aliveSeconds)) / w;
    return new Counters(
        c.seconds(),
        c.pcieTx() + tr.pcieTxBytesPerSecond().bytes() * effectiveSeconds,
        c.pcieRx() + tr.pcieRxBytesPerSecond().bytes() * effectiveSeconds,
        c.nvlinkTx() + tr.nvlinkTxBytesPerSecond().bytes() * effectiveSeconds,
        c.nvlinkRx() + tr.nvlinkRxBytesPerSecond().bytes() * effectiveSeconds);
  }

  private interface CounterField {
    double of(Counters c);
  }

  private static OptionalLong rate(Optional<Counters> previous, Counters now, CounterField field) {
    if (previous.isEmpty() || now.seconds() <= previous.get().seconds()) {
      return OptionalLong.empty();
    }
    double bytes = field.of(now) - field.of(previous.get());
    return OptionalLong.of(Math.max(0, Math.round(bytes / (now.seconds() - previous.get().seconds()))));
  }

  private static Optional<NvLinkStatus> nvlinkStatus(int links, Optional<Counters> previous, Counters now) {
    if (links == 0) {
      return Optional.empty();
    }
    OptionalLong tx = rate(previous, now, Counters::nvlinkTx);
    OptionalLong rx = rate(previous, now, Counters::nvlinkRx);
    List<NvLinkStatus.Link> perLink = new ArrayList<>();
    for (int l = 0; l < links; l++) {
      perLink.add(
          new NvLinkStatus.Link(
              l,
              true,
              tx.isPresent() ? OptionalLong.of(tx.getAsLong() / links) : OptionalLong.empty(),
              rx.isPresent() ? OptionalLong.of(rx.getAsLong() / links) : OptionalLong.empty()));
    }
    return Optional.of(new NvLinkStatus(links, tx, rx, perLink));
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
