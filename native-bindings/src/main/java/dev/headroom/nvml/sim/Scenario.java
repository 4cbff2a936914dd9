package dev.headroom.nvml.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A scenario file as read: the simulated hosts, their GPUs, the processes on them and how their
 * memory behaves over time. The format is documented in {@code docs/scenarios.md}; {@link
 * ScenarioLoader} reads it from YAML or JSON. Checks that need only one record run in the record's
 * constructor, so Jackson can report them with the line they come from.
 *
 * <p>Times inside a process (curve parts, {@code exitAt}, {@code oomAt}) count from the process's
 * own start; every other time counts from the start of the scenario.
 *
 * @param name shown in listings; defaults to the file name
 * @param seed seeds the deterministic noise and the derived UUIDs
 * @param startAt where the simulated clock starts within the scenario, so a one-shot look (e.g.
 *     {@code headroom devices}) shows a job in full swing
 * @param timeCompression default simulated seconds per wall-clock second (1 = real time)
 * @param hosts the simulated machines; a scenario may give {@code devices} instead for one host
 * @param devices shorthand in the file for a single host named {@link #DEFAULT_HOST}; once read it
 *     is folded into {@code hosts} and is always null here
 */
public record Scenario(
    String name,
    Long seed,
    TimeSpan startAt,
    Double timeCompression,
    Driver driver,
    List<Host> hosts,
    List<Device> devices) {

  /** Host name used when a scenario lists {@code devices} without {@code hosts}. */
  public static final String DEFAULT_HOST = "sim-node-0";

  public Scenario {
    seed = seed == null ? 1L : seed;
    startAt = startAt == null ? TimeSpan.ZERO : startAt;
    timeCompression = timeCompression == null ? 1.0 : timeCompression;
    if (timeCompression <= 0) {
      throw new IllegalArgumentException("'timeCompression' must be more than 0, got " + timeCompression);
    }
    driver = driver == null ? new Driver(null, null, null) : driver;
    if (hosts != null && devices != null) {
      throw new IllegalArgumentException("give either 'hosts' or 'devices', not both");
    }
    if (hosts == null && devices == null) {
      throw new IllegalArgumentException("a scenario needs 'hosts' or 'devices'");
    }
    if (hosts == null) {
      hosts = List.of(new Host(DEFAULT_HOST, devices));
    }
    hosts = List.copyOf(hosts);
    devices = null;
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("'hosts' is empty");
    }
    Set<String> names = new HashSet<>();
    for (Host h : hosts) {
      if (!names.add(h.name())) {
        throw new IllegalArgumentException("host name '" + h.name() + "' appears twice");
      }
    }
  }

  /** Copy with a name, used when the file gave none. */
  Scenario withName(String newName) {
    return new Scenario(newName, seed, startAt, timeCompression, driver, hosts, null);
  }

  /** What the simulated driver says about itself. */
  public record Driver(String version, String nvmlVersion, Integer cudaVersion) {
    public Driver {
      version = version == null ? "550.127.05" : version;
      nvmlVersion = nvmlVersion == null ? "12." + version : nvmlVersion;
      cudaVersion = cudaVersion == null ? 12040 : cudaVersion;
    }
  }

  /** One simulated machine, with its own agent in the demo. */
  public record Host(String name, List<Device> devices) {
    public Host {
      Objects.requireNonNull(name, "a host needs 'name'");
      if (devices == null || devices.isEmpty()) {
        throw new IllegalArgumentException("host '" + name + "' needs at least one entry in 'devices'");
      }
      devices = List.copyOf(devices);
      Set<Long> pids = new HashSet<>();
      for (Device d : devices) {
        for (int copy = 0; copy < d.count(); copy++) {
          for (Process p : d.processes()) {
            if (!pids.add(p.pid() + copy)) {
              throw new IllegalArgumentException(
                  "pid " + (p.pid() + copy) + " appears twice on host '" + name + "'");
            }
          }
        }
      }
    }
  }

  /**
   * A GPU, or {@code count} identical GPUs (the i-th copy's processes get {@code pid + i} and, in a
   * run, rank {@code rank + i}).
   *
   * @param uuid fixed UUID; derived from the seed, host and index when absent
   * @param totalBytes overrides the type's framebuffer size
   * @param reservedBytes overrides the type's driver-reserved memory
   * @param lostAt the GPU falls off the bus: snapshots fail with GPU_IS_LOST and an Xid 79 is sent
   */
  public record Device(
      GpuType type,
      Integer count,
      String uuid,
      ByteQuantity totalBytes,
      ByteQuantity reservedBytes,
      List<Process> processes,
      Churn churn,
      List<Xid> xids,
      TimeSpan lostAt) {
    public Device {
      Objects.requireNonNull(type, "a device needs 'type'");
      count = count == null ? 1 : count;
      if (count < 1) {
        throw new IllegalArgumentException("device 'count' must be at least 1, got " + count);
      }
      if (uuid != null && count > 1) {
        throw new IllegalArgumentException("'uuid' cannot be given with 'count' > 1");
      }
      processes = processes == null ? List.of() : List.copyOf(processes);
      xids = xids == null ? List.of() : List.copyOf(xids);
      long total = totalBytes == null ? type.totalBytes() : totalBytes.bytes();
      long reserved = reservedBytes == null ? type.reservedBytes() : reservedBytes.bytes();
      if (reserved >= total) {
        throw new IllegalArgumentException(
            "'reservedBytes' (" + reserved + ") must be less than the total (" + total + ")");
      }
    }

    public long effectiveTotalBytes() {
      return totalBytes == null ? type.totalBytes() : totalBytes.bytes();
    }

    public long effectiveReservedBytes() {
      return reservedBytes == null ? type.reservedBytes() : reservedBytes.bytes();
    }
  }

  /**
   * A process with a context on the GPU.
   *
   * @param start when it starts, from the scenario's start
   * @param memory the parts whose sum is its device memory (as NVML reports it)
   * @param noise amplitude of reproducible jitter added to the memory
   * @param exitAt normal exit, from the process's start
   * @param oomAt forced out-of-memory crash, from the process's start
   * @param oomOnOverflow whether the process may be the one that dies when the GPU's memory would
   *     overflow (the one whose memory grew the most at that instant is chosen)
   * @param gpuPercent utilization while it runs
   * @param memoryPercent memory-controller utilization while it runs
   */
  public record Process(
      Long pid,
      String name,
      String user,
      String commandLine,
      String containerId,
      TimeSpan start,
      List<CurvePart> memory,
      ByteQuantity noise,
      TimeSpan exitAt,
      TimeSpan oomAt,
      Boolean oomOnOverflow,
      Integer gpuPercent,
      Integer memoryPercent,
      Traffic traffic,
      Run run) {
    public Process {
      Objects.requireNonNull(pid, "a process needs 'pid'");
      if (pid <= 0) {
        throw new IllegalArgumentException("'pid' must be positive, got " + pid);
      }
      name = name == null ? "python" : name;
      user = user == null ? "trainer" : user;
      commandLine = commandLine == null ? name : commandLine;
      start = start == null ? TimeSpan.ZERO : start;
      if (memory == null || memory.isEmpty()) {
        throw new IllegalArgumentException("process " + pid + " needs at least one part in 'memory'");
      }
      memory = List.copyOf(memory);
      noise = noise == null ? ByteQuantity.ofBytes(0) : noise;
      oomOnOverflow = oomOnOverflow == null ? Boolean.TRUE : oomOnOverflow;
      gpuPercent = gpuPercent == null ? 90 : gpuPercent;
      memoryPercent = memoryPercent == null ? 55 : memoryPercent;
      if (gpuPercent < 0 || gpuPercent > 100 || memoryPercent < 0 || memoryPercent > 100) {
        throw new IllegalArgumentException("'gpuPercent' and 'memoryPercent' must be within 0..100");
      }
      traffic = traffic == null ? new Traffic(null, null, null, null) : traffic;
    }
  }

  /** Cumulative-counter traffic while the process runs, in bytes per second. */
  public record Traffic(
      ByteQuantity pcieTxBytesPerSecond,
      ByteQuantity pcieRxBytesPerSecond,
      ByteQuantity nvlinkTxBytesPerSecond,
      ByteQuantity nvlinkRxBytesPerSecond) {
    public Traffic {
      ByteQuantity zero = ByteQuantity.ofBytes(0);
      pcieTxBytesPerSecond = pcieTxBytesPerSecond == null ? zero : pcieTxBytesPerSecond;
      pcieRxBytesPerSecond = pcieRxBytesPerSecond == null ? zero : pcieRxBytesPerSecond;
      nvlinkTxBytesPerSecond = nvlinkTxBytesPerSecond == null ? zero : nvlinkTxBytesPerSecond;
      nvlinkRxBytesPerSecond = nvlinkRxBytesPerSecond == null ? zero : nvlinkRxBytesPerSecond;
    }
  }

  /**
   * The training run inside a process, standing in for the reporter: run id, the run spec passed
   * through unchanged, the step period and the allocator's view.
   *
   * @param spec free object handed to the predictor as JSON (keys: docs/predictor.md)
   * @param stepPeriod defaults to the first sawtooth's period, else 1 s
   * @param cudaDevice the framework's device ordinal; defaults to the device's index on its host
   */
  public record Run(
      String id, Integer rank, JsonNode spec, TimeSpan stepPeriod, Integer cudaDevice, Allocator allocator) {
    public Run {
      Objects.requireNonNull(id, "a run needs 'id'");
      if (spec != null && !spec.isObject()) {
        throw new IllegalArgumentException("run 'spec' must be an object, got " + spec.getNodeType());
      }
      if (stepPeriod != null && stepPeriod.seconds() <= 0) {
        throw new IllegalArgumentException("run 'stepPeriod' must be more than 0");
      }
      allocator = allocator == null ? new Allocator(null, null, null, null, null) : allocator;
    }
  }

  /**
   * How the caching allocator splits the process's memory. {@code reserved = memory − contextBytes};
   * {@code allocated} follows its own curve when given (a fragmentation case keeps it flat while
   * memory grows), else {@code reserved × (1 − cacheFraction)}.
   *
   * @param contextBytes memory outside the caching allocator: CUDA context, cuBLAS and NCCL buffers
   * @param inactiveSplitFraction share of the cached memory stranded in partly used segments
   */
  public record Allocator(
      ByteQuantity contextBytes,
      List<CurvePart> allocated,
      Double cacheFraction,
      Double inactiveSplitFraction,
      Retries allocRetries) {
    public Allocator {
      contextBytes = contextBytes == null ? ByteQuantity.ofMiB(500) : contextBytes;
      allocated = allocated == null ? List.of() : List.copyOf(allocated);
      cacheFraction = cacheFraction == null ? 0.08 : cacheFraction;
      inactiveSplitFraction = inactiveSplitFraction == null ? 0.25 : inactiveSplitFraction;
      if (cacheFraction < 0 || cacheFraction >= 1) {
        throw new IllegalArgumentException("'cacheFraction' must be in [0, 1), got " + cacheFraction);
      }
      if (inactiveSplitFraction < 0 || inactiveSplitFraction > 1) {
        throw new IllegalArgumentException(
            "'inactiveSplitFraction' must be in [0, 1], got " + inactiveSplitFraction);
      }
    }
  }

  /** {@code num_alloc_retries} rising by {@code perMinute} from {@code start} (process time). */
  public record Retries(TimeSpan start, Double perMinute) {
    public Retries {
      start = start == null ? TimeSpan.ZERO : start;
      Objects.requireNonNull(perMinute, "allocRetries needs 'perMinute'");
      if (perMinute < 0) {
        throw new IllegalArgumentException("'perMinute' cannot be negative");
      }
    }
  }

  /**
   * Short-lived processes coming and going (monitoring tools, evaluation workers): the k-th starts
   * at {@code start + k × every}, holds {@code bytes} for {@code lifetime}, and has pid {@code
   * firstPid + k}.
   */
  public record Churn(
      TimeSpan every, TimeSpan lifetime, ByteQuantity bytes, Long firstPid, String name, String user, TimeSpan start) {
    public Churn {
      Objects.requireNonNull(every, "churn needs 'every'");
      Objects.requireNonNull(lifetime, "churn needs 'lifetime'");
      Objects.requireNonNull(bytes, "churn needs 'bytes'");
      if (every.seconds() <= 0 || lifetime.seconds() <= 0) {
        throw new IllegalArgumentException("churn 'every' and 'lifetime' must be more than 0");
      }
      firstPid = firstPid == null ? 900_000L : firstPid;
      name = name == null ? "eval-worker" : name;
      user = user == null ? "trainer" : user;
      start = start == null ? TimeSpan.ZERO : start;
    }
  }

  /** A critical error the driver reports at {@code at} (from the scenario's start). */
  public record Xid(TimeSpan at, Long code) {
    public Xid {
      Objects.requireNonNull(at, "an xid needs 'at'");
      Objects.requireNonNull(code, "an xid needs 'code' (e.g. 79, 31, 48)");
    }
  }
}
