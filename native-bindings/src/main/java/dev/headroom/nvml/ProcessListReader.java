package dev.headroom.nvml;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.headroom.nvml.jna.NvmlProcessesV1Api;
import dev.headroom.nvml.jna.NvmlProcessesV2Api;
import dev.headroom.nvml.jna.NvmlProcessesV3Api;
import dev.headroom.nvml.jna.NvmlReturn;
import java.util.List;
import java.util.OptionalLong;

/**
 * One process list (compute or graphics) of one device, read with NVML's count-then-fill protocol
 * into a native buffer that is kept and only ever grows.
 *
 * <p>The call is first made with the buffer's current capacity (NULL and 0 the first time). When
 * it answers INSUFFICIENT_SIZE, the count it returns is the size needed now; processes can start
 * before the next call, so the buffer grows to {@code 2n + 5} (pynvml's margin) and the call is
 * repeated, at most {@link #MAX_ATTEMPTS} times in all.
 */
final class ProcessListReader {

  /** Which symbol and entry layout this driver needs, decided once at open. */
  enum Flavor {
    /** {@code _v3}, 24-byte {@code nvmlProcessInfo_t}. */
    V3("nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetGraphicsRunningProcesses_v3",
        NvmlLayout.PROCESS_SIZE, NvmlLayout.PROCESS_PID, NvmlLayout.PROCESS_USED),
    /** {@code _v3} on early R535 drivers: 32-byte {@code nvmlProcessDetail_v1_t} entries. */
    V3_R535_EARLY("nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetGraphicsRunningProcesses_v3",
        NvmlLayout.PROCESS_DETAIL_SIZE, NvmlLayout.PROCESS_DETAIL_PID, NvmlLayout.PROCESS_DETAIL_USED),
    /** {@code _v2}, 24-byte entries. */
    V2("nvmlDeviceGetComputeRunningProcesses_v2", "nvmlDeviceGetGraphicsRunningProcesses_v2",
        NvmlLayout.PROCESS_SIZE, NvmlLayout.PROCESS_PID, NvmlLayout.PROCESS_USED),
    /** Plain names, 16-byte {@code nvmlProcessInfo_v1_t}. */
    V1("nvmlDeviceGetComputeRunningProcesses", "nvmlDeviceGetGraphicsRunningProcesses",
        NvmlLayout.PROCESS_V1_SIZE, NvmlLayout.PROCESS_V1_PID, NvmlLayout.PROCESS_V1_USED);

    final String computeFunction;
    final String graphicsFunction;
    final int entryBytes;
    final int pidOffset;
    final int usedOffset;

    Flavor(String compute, String graphics, int entryBytes, int pidOffset, int usedOffset) {
      this.computeFunction = compute;
      this.graphicsFunction = graphics;
      this.entryBytes = entryBytes;
      this.pidOffset = pidOffset;
      this.usedOffset = usedOffset;
    }
  }

  static final int MAX_ATTEMPTS = 4;

  private final Pointer device;
  private final Flavor flavor;
  private final boolean graphics;
  private final String function;
  private final Memory count = new Memory(4);
  private Memory entries;
  private int capacity;

  ProcessListReader(Pointer device, Flavor flavor, boolean graphics) {
    this.device = device;
    this.flavor = flavor;
    this.graphics = graphics;
    this.function = graphics ? flavor.graphicsFunction : flavor.computeFunction;
  }

  String function() {
    return function;
  }

  /** Entries the buffer holds now (for tests of the growth rule). */
  int capacity() {
    return capacity;
  }

  /**
   * Reads the list and appends its processes to {@code out} as {@code kind}.
   *
   * @return false when the driver said NOT_SUPPORTED or NO_PERMISSION (nothing appended)
   */
  boolean readInto(List<GpuProcess> out, GpuProcess.ProcessKind kind, NvmlCalls.ReturnCheck check)
      throws NvmlException {
    for (int attempt = 1; ; attempt++) {
      count.setInt(0, capacity);
      int rc = call(capacity == 0 ? null : entries);
      if (rc == NvmlReturn.NVML_ERROR_INSUFFICIENT_SIZE) {
        if (attempt == MAX_ATTEMPTS) {
          throw new NvmlException(function, rc, NvmlCalls.message(rc) + "; the process list kept growing over "
              + MAX_ATTEMPTS + " attempts, last needed " + Integer.toUnsignedString(count.getInt(0)) + " entries");
        }
        grow(count.getInt(0));
        continue;
      }
      if (!check.accept(rc, function)) {
        return false;
      }
      int written = Math.min(count.getInt(0), capacity);
      for (int i = 0; i < written; i++) {
        long base = (long) i * flavor.entryBytes;
        long pid = Integer.toUnsignedLong(entries.getInt(base + flavor.pidOffset));
        long used = entries.getLong(base + flavor.usedOffset);
        // NVML_VALUE_NOT_AVAILABLE (all ones) under Windows WDDM: the driver cannot say.
        OptionalLong usedBytes = used == -1L ? OptionalLong.empty() : OptionalLong.of(used);
        out.add(new GpuProcess(pid, kind, usedBytes));
      }
      return true;
    }
  }

  private void grow(int needed) {
    long wanted = 2L * Integer.toUnsignedLong(needed) + 5;
    if (wanted > Integer.MAX_VALUE / flavor.entryBytes) {
      wanted = Integer.MAX_VALUE / flavor.entryBytes;
    }
    if (wanted > capacity) {
      entries = new Memory(wanted * flavor.entryBytes);
      capacity = (int) wanted;
    }
  }

  private int call(Pointer infos) {
    return switch (flavor) {
      case V3, V3_R535_EARLY -> graphics
          ? NvmlProcessesV3Api.nvmlDeviceGetGraphicsRunningProcesses_v3(device, count, infos)
          : NvmlProcessesV3Api.nvmlDeviceGetComputeRunningProcesses_v3(device, count, infos);
      case V2 -> graphics
          ? NvmlProcessesV2Api.nvmlDeviceGetGraphicsRunningProcesses_v2(device, count, infos)
          : NvmlProcessesV2Api.nvmlDeviceGetComputeRunningProcesses_v2(device, count, infos);
      case V1 -> graphics
          ? NvmlProcessesV1Api.nvmlDeviceGetGraphicsRunningProcesses(device, count, infos)
          : NvmlProcessesV1Api.nvmlDeviceGetComputeRunningProcesses(device, count, infos);
    };
  }
}
