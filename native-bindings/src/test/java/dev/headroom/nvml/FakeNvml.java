package dev.headroom.nvml;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The fake libnvidia-ml built by the test phase (src/test/c), one file per driver variant, and the
 * control functions through which a test scripts it. Each {@link #reset} gives a fresh fake.
 */
final class FakeNvml {

  /** Driver variants, each a -D flag set in native-bindings/pom.xml. */
  enum Variant {
    FULL("full"),
    R535_EARLY("r535early"),
    R470("r470"),
    R418("r418"),
    NO_PCI_V3("nopciv3");

    final String fileSuffix;

    Variant(String fileSuffix) {
      this.fileSuffix = fileSuffix;
    }

    Path path() {
      String dir = System.getProperty("headroom.fakeNvmlDir");
      if (dir == null) {
        throw new IllegalStateException("headroom.fakeNvmlDir is not set: run the tests through Maven, which builds"
            + " the fake library in process-test-classes");
      }
      Path file = Path.of(dir, "libfakenvml-" + fileSuffix + ".so");
      if (!Files.exists(file)) {
        throw new IllegalStateException(file + " is missing: the antrun step that compiles src/test/c did not run");
      }
      return file;
    }
  }

  static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  /** The fake's initial clock, 2025-12-01T08:00:00Z in µs. */
  static final long START_MICROS = 1_764_576_000_000_000L;

  static final int COMPUTE = 0;
  static final int GRAPHICS = 1;

  /** The fake_* control functions exported by fake_nvml.c. */
  interface Control extends Library {
    void fake_reset(int deviceCount);

    int fake_set_return(String function, int device, int code);

    long fake_call_count(String function);

    int fake_init_refcount();

    int fake_last_wait_timeout_ms();

    void fake_lose_gpu(int device);

    void fake_set_clock_us(long micros);

    void fake_set_versions(String driver, String nvml, int cuda);

    void fake_set_identity(int device, String name, String uuid);

    void fake_set_memory(int device, long total, long reserved, long used, long free);

    void fake_set_v2_used_includes_reserved(int device, int flag);

    void fake_set_bar1(int device, long total, long used, long free);

    void fake_set_processes(int device, int kind, int count, int[] pids, long[] memory);

    void fake_grow_processes_after_count(int device, int kind, int extra, int times, int firstPid, long memory);

    void fake_set_utilization(int device, int gpu, int memory);

    void fake_set_pcie_link(int device, int currGen, int maxGen, int currWidth, int maxWidth);

    void fake_set_pcie_replay(int device, int count);

    void fake_set_pcie_throughput(int device, int txKBps, int rxKBps);

    void fake_set_pcie_counters(int device, long tx, long rx, int valueType);

    void fake_set_nvlink_count(int device, int links);

    void fake_set_nvlink_link(int device, int link, int active, long txKiB, long rxKiB);

    void fake_set_temperature(int device, int celsius);

    void fake_set_power(int device, int milliwatts);

    void fake_set_energy(int device, long millijoules);

    void fake_set_modes(int device, int migCurrent, int migPending, int computeMode);

    void fake_set_field_return(int device, int fieldId, int code);

    void fake_set_supported_events(int device, long mask);

    int fake_push_event(int device, long type, long data);

    int fake_sizeof(String type);

    int fake_offsetof(String type, String field);

    long fake_bench_loop(int device, long iterations);
  }

  final Variant variant;
  final Control control;

  private FakeNvml(Variant variant) {
    this.variant = variant;
    this.control = Native.load(variant.path().toString(), Control.class);
  }

  /** A fresh fake of {@code variant} with {@code devices} default devices. */
  static FakeNvml reset(Variant variant, int devices) {
    FakeNvml fake = new FakeNvml(variant);
    fake.control.fake_reset(devices);
    return fake;
  }

  LibraryLocation location() {
    return new LibraryLocation(variant.path().toString(), LibraryLocation.ORIGIN_OVERRIDE);
  }

  /** Opens the facade over this fake with the fixed test clock. */
  JnaNvml open() throws NvmlException {
    return JnaNvml.open(location(), CLOCK, () -> {
      throw new AssertionError("the fake library always loads");
    });
  }

  long calls(String function) {
    return control.fake_call_count(function);
  }

  /** The default UUID of fake device {@code index} (see default_device in fake_nvml.c). */
  static String uuid(int index) {
    return String.format("GPU-%08x-fake-4000-8000-00000000000%d", 0x5b1f0000 + index, index);
  }
}
