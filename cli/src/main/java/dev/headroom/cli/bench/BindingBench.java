package dev.headroom.cli.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.headroom.cli.UserInputException;
import dev.headroom.nvml.Bar1Memory;
import dev.headroom.nvml.DeviceSnapshot;
import dev.headroom.nvml.GpuProcess;
import dev.headroom.nvml.MemoryReading;
import dev.headroom.nvml.NvLinkStatus;
import dev.headroom.nvml.Nvml;
import dev.headroom.nvml.NvmlException;
import dev.headroom.nvml.PcieStatus;
import dev.headroom.nvml.Utilization;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code headroom bench binding}: the JNA cost of one full device snapshot through the facade,
 * beside a C loop that calls the same fake-library entry points with the same arguments, in the
 * same process, alternating rounds so both see the same machine. Also the garbage one snapshot
 * leaves, beside the bytes of the records it must return.
 *
 * <p>Works on any machine with a C compiler: the fake libnvidia-ml's source ships in the jar and
 * is compiled into a temporary directory at bench time.
 */
@Command(
    name = "binding",
    mixinStandardHelpOptions = true,
    header = "JNA cost per device snapshot (ns, bytes of garbage), beside a C loop over the same fake calls.",
    description = {
      "JNA cost per device snapshot (ns, bytes of garbage) against the fake libnvidia-ml, "
          + "beside a C loop over the same fake functions. Needs a C compiler (cc); no GPU.",
      "Target: <= 10000 ns and <= 1024 bytes per device snapshot."
    })
public final class BindingBench implements Runnable {

  static final long TARGET_NANOS = 10_000;
  static final long TARGET_BYTES = 1024;
  private static final String SOURCE_RESOURCE = "/dev/headroom/nvml/fake/";

  @Option(names = "--snapshots", paramLabel = "N", defaultValue = "200000",
      description = "Snapshots per measured round (default: ${DEFAULT-VALUE}).")
  long snapshots;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "5",
      description = "Measured rounds, alternating Java and C; the median is reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--nvlinks", paramLabel = "N", defaultValue = "4",
      description = "NVLinks of the fake device, each read per snapshot (default: ${DEFAULT-VALUE}; an H100 SXM has 18).")
  int nvlinks;

  @Option(names = "--processes", paramLabel = "N", defaultValue = "2",
      description = "Compute processes on the fake device (default: ${DEFAULT-VALUE}).")
  int processes;

  @Option(names = "--cc", paramLabel = "COMPILER", defaultValue = "cc",
      description = "C compiler used to build the fake library (default: ${DEFAULT-VALUE}).")
  String compiler;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The fake library's control and baseline functions. */
  interface FakeLibrary extends Library {
    void fake_reset(int deviceCount);

    void fake_set_nvlink_count(int device, int links);

    void fake_set_processes(int device, int kind, int count, int[] pids, long[] memory);

    void fake_set_auto_advance(long microsPerCall, long bytesPerCall);

    long fake_bench_loop(int device, long iterations);
  }

  @Override
  public void run() {
    validate();
    Path dir = null;
    try {
      dir = Files.createTempDirectory("headroom-bench-binding");
      Path library = buildFakeLibrary(dir);
      measure(library, spec.commandLine().getOut());
    } catch (IOException e) {
      throw new UserInputException("bench binding: cannot prepare the fake library in " + dir + ": " + e.getMessage());
    } finally {
      deleteQuietly(dir);
    }
  }

  private void validate() {
    if (snapshots < 1000) {
      throw new UserInputException("--snapshots must be at least 1000, got " + snapshots);
    }
    if (rounds < 1 || rounds > 101) {
      throw new UserInputException("--rounds must be between 1 and 101, got " + rounds);
    }
    if (nvlinks < 0 || nvlinks > 36) {
      throw new UserInputException("--nvlinks must be between 0 and 36, got " + nvlinks);
    }
    if (processes < 0 || processes > 256) {
      throw new UserInputException("--processes must be between 0 and 256, got " + processes);
    }
  }

  private Path buildFakeLibrary(Path dir) throws IOException {
    for (String file : List.of("fake_nvml.c", "fake_nvml.h")) {
      try (InputStream in = BindingBench.class.getResourceAsStream(SOURCE_RESOURCE + file)) {
        if (in == null) {
          throw new IOException(SOURCE_RESOURCE + file + " is missing from the headroom jar");
        }
        Files.copy(in, dir.resolve(file));
      }
    }
    Path library = dir.resolve("libfakenvml-bench.so");
    List<String> command = List.of(compiler, "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-O2", "-shared", "-fPIC",
        "-o", library.toString(), dir.resolve("fake_nvml.c").toString());
    Process cc;
    try {
      cc = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UserInputException("bench binding needs a C compiler to build the fake libnvidia-ml, and '" + compiler
          + "' could not be started (" + e.getMessage() + "); install one (e.g. apt-get install gcc) or pass --cc");
    }
    String output = new String(cc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    try {
      if (!cc.waitFor(120, TimeUnit.SECONDS) || cc.exitValue() != 0) {
        cc.destroyForcibly();
        throw new UserInputException("bench binding: " + String.join(" ", command) + " failed:\n" + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserInputException("bench binding: interrupted while compiling the fake library");
    }
    return library;
  }

  private void measure(Path library, PrintWriter out) {
    FakeLibrary fake = Native.load(library.toString(), FakeLibrary.class);
    fake.fake_reset(1);
    fake.fake_set_nvlink_count(0, nvlinks);
    int[] pids = new int[processes];
    long[] memory = new long[processes];
    for (int i = 0; i < processes; i++) {
      pids[i] = 1000 + i;
      memory[i] = (512L + i) << 20;
    }
    fake.fake_set_processes(0, 0, processes, pids, memory);
    // Counters move between snapshots, so every snapshot computes every rate, as on a busy GPU.
    fake.fake_set_auto_advance(1_000, 8L << 20);
    try (Nvml nvml = Nvml.open(Optional.of(library))) {
      String uuid = nvml.devices().get(0).uuid();
      LongSupplier javaRound = () -> timeSnapshots(nvml, uuid, snapshots);
      LongSupplier cRound = () -> fake.fake_bench_loop(0, snapshots);
      // Warm up both paths (JIT, caches) before anything counts.
      javaRound.getAsLong();
      cRound.getAsLong();
      long[] javaNanos = new long[rounds];
      long[] cNanos = new long[rounds];
      for (int r = 0; r < rounds; r++) {
        javaNanos[r] = javaRound.getAsLong();
        cNanos[r] = cRound.getAsLong();
      }
      double javaPerSnapshot = median(javaNanos) / (double) snapshots;
      double cPerSnapshot = median(cNanos) / (double) snapshots;

      int allocationCalls = (int) Math.min(20_000, snapshots);
      long garbage = allocatedPerSnapshot(allocationCalls, () -> {
        try {
          nvml.snapshot(uuid);
        } catch (NvmlException e) {
          throw new IllegalStateException(e);
        }
      });
      DeviceSnapshot sample = nvml.snapshot(uuid);
      long records = allocatedPerSnapshot(allocationCalls, () -> copyOf(sample));

      String shape = String.format(Locale.ROOT, "\"nvlinks\":%d,\"processes\":%d,\"snapshots\":%d,\"rounds\":%d",
          nvlinks, processes, snapshots, rounds);
      out.println(String.format(Locale.ROOT,
          "{\"bench\":\"binding\",\"figure\":\"snapshot_ns\",\"value\":%.1f,\"unit\":\"ns/snapshot\","
              + "\"baseline\":\"c_loop_same_fake_calls_ns\",\"baseline_value\":%.1f,\"ratio\":%.2f,"
              + "\"target\":%d,\"within_target\":%b,%s}",
          javaPerSnapshot, cPerSnapshot, javaPerSnapshot / Math.max(cPerSnapshot, 0.001), TARGET_NANOS,
          javaPerSnapshot <= TARGET_NANOS, shape));
      out.println(String.format(Locale.ROOT,
          "{\"bench\":\"binding\",\"figure\":\"garbage_bytes_per_snapshot\",\"value\":%d,\"unit\":\"bytes/snapshot\","
              + "\"baseline\":\"returned_records_bytes\",\"baseline_value\":%d,\"target\":%d,\"within_target\":%b,%s}",
          garbage, records, TARGET_BYTES, garbage <= TARGET_BYTES, shape));
      out.flush();
    } catch (NvmlException e) {
      throw new UserInputException("bench binding: the fake library failed: " + e.getMessage());
    }
  }

  private static long timeSnapshots(Nvml nvml, String uuid, long n) {
    long start = System.nanoTime();
    try {
      for (long i = 0; i < n; i++) {
        nvml.snapshot(uuid);
      }
    } catch (NvmlException e) {
      throw new IllegalStateException(e);
    }
    return System.nanoTime() - start;
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Bytes this thread allocates per call of {@code action}, over enough calls to average out. */
  private static long allocatedPerSnapshot(int calls, Runnable action) {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    for (int i = 0; i < calls; i++) {
      action.run(); // warm-up, so escape analysis has had its chance
    }
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < calls; i++) {
      action.run();
    }
    long after = threads.getThreadAllocatedBytes(id);
    return Math.round((after - before) / (double) calls);
  }

  /**
   * A deep copy built from fresh records: what any Java facade returning these values must
   * allocate at least, so the difference to the snapshot's garbage is the binding's own.
   */
  static DeviceSnapshot copyOf(DeviceSnapshot s) {
    MemoryReading m = s.memory();
    List<GpuProcess> processes = new ArrayList<>(s.processes().size());
    for (GpuProcess p : s.processes()) {
      processes.add(new GpuProcess(p.pid(), p.kind(), copy(p.usedGpuMemoryBytes())));
    }
    return new DeviceSnapshot(
        s.uuid(),
        java.time.Instant.ofEpochSecond(s.timestamp().getEpochSecond(), s.timestamp().getNano()),
        new MemoryReading(m.totalBytes(), m.reservedBytes(), m.usedBytes(), m.freeBytes()),
        s.bar1().map(b -> new Bar1Memory(b.totalBytes(), b.usedBytes(), b.freeBytes())),
        processes,
        s.utilization().map(u -> new Utilization(u.gpuPercent(), u.memoryPercent())),
        s.pcie().map(p -> new PcieStatus(copy(p.txBytesPerSecond()), copy(p.rxBytesPerSecond()),
            copy(p.currentLinkGeneration()), copy(p.maxLinkGeneration()), copy(p.currentLinkWidth()),
            copy(p.maxLinkWidth()), copy(p.replayCounter()))),
        s.nvlink().map(BindingBench::copy),
        copy(s.temperatureCelsius()),
        copy(s.powerMilliwatts()),
        copy(s.energyMillijoules()));
  }

  private static NvLinkStatus copy(NvLinkStatus n) {
    List<NvLinkStatus.Link> links = new ArrayList<>(n.links().size());
    for (NvLinkStatus.Link l : n.links()) {
      links.add(new NvLinkStatus.Link(l.link(), l.active(), copy(l.txBytesPerSecond()), copy(l.rxBytesPerSecond())));
    }
    return new NvLinkStatus(n.linkCount(), copy(n.txBytesPerSecond()), copy(n.rxBytesPerSecond()), links);
  }

  private static java.util.OptionalLong copy(java.util.OptionalLong v) {
    return v.isPresent() ? java.util.OptionalLong.of(v.getAsLong()) : java.util.OptionalLong.empty();
  }

  private static java.util.OptionalInt copy(java.util.OptionalInt v) {
    return v.isPresent() ? java.util.OptionalInt.of(v.getAsInt()) : java.util.OptionalInt.empty();
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // A temp dir left behind is harmless.
    }
  }
}
