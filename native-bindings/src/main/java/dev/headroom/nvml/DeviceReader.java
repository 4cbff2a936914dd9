package dev.headroom.nvml;

import static dev.headroom.nvml.jna.NvmlReturn.NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
import static dev.headroom.nvml.jna.NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
import static dev.headroom.nvml.jna.NvmlReturn.NVML_ERROR_GPU_IS_LOST;
import static dev.headroom.nvml.jna.NvmlReturn.NVML_SUCCESS;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.headroom.nvml.jna.NvmlConstants;
import dev.headroom.nvml.jna.NvmlCoreApi;
import dev.headroom.nvml.jna.NvmlEnergyApi;
import dev.headroom.nvml.jna.NvmlMemoryV2Api;
import dev.headroom.nvml.jna.NvmlMigModeApi;
import dev.headroom.nvml.jna.NvmlNvLinkApi;
import dev.headroom.nvml.jna.NvmlPcieThroughputApi;
import dev.headroom.nvml.jna.NvmlTemperatureApi;
import dev.headroom.nvml.jna.NvmlTemperatureVApi;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Everything the binding keeps for one device: its handle, one block of native memory reused by
 * every read, the decisions taken at open (memory v2 or v1, which temperature call, which fields),
 * and the previous counter readings the rates are computed from.
 *
 * <p>A snapshot allocates only the records it returns. Calls on one device are serialised, so the
 * scratch memory is never shared between threads.
 */
final class DeviceReader implements NvmlCalls.ReturnCheck {

  static final String FN_MEMORY_V2 = "nvmlDeviceGetMemoryInfo_v2";
  static final String FN_MEMORY = "nvmlDeviceGetMemoryInfo";
  private static final String FN_BAR1 = "nvmlDeviceGetBAR1MemoryInfo";
  private static final String FN_UTILIZATION = "nvmlDeviceGetUtilizationRates";
  private static final String FN_CURR_GEN = "nvmlDeviceGetCurrPcieLinkGeneration";
  static final String FN_MAX_GEN = "nvmlDeviceGetMaxPcieLinkGeneration";
  private static final String FN_CURR_WIDTH = "nvmlDeviceGetCurrPcieLinkWidth";
  static final String FN_MAX_WIDTH = "nvmlDeviceGetMaxPcieLinkWidth";
  private static final String FN_REPLAY = "nvmlDeviceGetPcieReplayCounter";
  private static final String FN_PCIE_THROUGHPUT = "nvmlDeviceGetPcieThroughput";
  private static final String FN_NVLINK_STATE = "nvmlDeviceGetNvLinkState";
  private static final String FN_TEMPERATURE_V = "nvmlDeviceGetTemperatureV";
  private static final String FN_TEMPERATURE = "nvmlDeviceGetTemperature";
  private static final String FN_POWER = "nvmlDeviceGetPowerUsage";
  static final String FN_ENERGY = "nvmlDeviceGetTotalEnergyConsumption";
  private static final String FN_MIG = "nvmlDeviceGetMigMode";
  private static final String FN_COMPUTE_MODE = "nvmlDeviceGetComputeMode";

  private final Pointer handle;
  private final Clock clock;
  private final DeviceInfo info;

  // One native block (see DeviceSetup), held here so it lives as long as the views into it.
  private final Memory scratch;
  private final Pointer memoryV2;
  private final Pointer memoryV1;
  private final Pointer bar1;
  private final Pointer utilization;
  private final Pointer u32;
  private final Pointer u32b;
  private final Pointer temperature;
  private final Pointer u64;

  private final ProcessListReader compute;
  private final ProcessListReader graphics;

  private boolean useMemoryV2;
  private boolean useTemperatureV;
  private final boolean hasLegacyTemperature;
  private final boolean hasPcieThroughput;
  private final boolean hasNvLinkState;
  private final boolean hasEnergy;
  private final boolean hasMigMode;
  // min(device, slot) limits: read once at open, they change only with the hardware.
  private final OptionalInt maxLinkGeneration;
  private final OptionalInt maxLinkWidth;

  private final FieldRequest request;
  private final int linkCount;

  private final CounterRate pcieTx = new CounterRate(1);
  private final CounterRate pcieRx = new CounterRate(1);
  private final CounterRate nvlinkTx = new CounterRate(1024);
  private final CounterRate nvlinkRx = new CounterRate(1024);
  private final CounterRate[] linkTx;
  private final CounterRate[] linkRx;

  private final RepeatedReading currGen = new RepeatedReading();
  private final RepeatedReading currWidth = new RepeatedReading();
  private final RepeatedReading replay = new RepeatedReading();
  private final RepeatedReading temperatureReading = new RepeatedReading();
  private final RepeatedReading powerReading = new RepeatedReading();
  private Optional<Utilization> lastUtilization = Optional.empty();
  private int lastProcessCount;
  private Optional<Bar1Memory> lastBar1 = Optional.empty();

  // Optional readings go through this check: a failure is noted and that reading left empty.
  private final NvmlCalls.ReturnCheck optionalCheck = this::onOptionalFailure;
  // The failures of the pass in progress, reused so a complete pass allocates nothing for them.
  private final List<ReadingFailure> passFailures = new ArrayList<>(4);

  /** The function that answered GPU_IS_LOST; null while the device is fine. */
  private volatile String lostIn;

  /** Set when the session closes; guarded by this. */
  private boolean retired;

  private DeviceReader(DeviceSetup b) {
    this.handle = b.handle;
    this.clock = b.clock;
    this.info = b.info;
    this.scratch = b.scratch;
    this.memoryV2 = b.memoryV2;
    this.memoryV1 = b.memoryV1;
    this.bar1 = b.bar1;
    this.utilization = b.utilization;
    this.u32 = b.u32;
    this.u32b = b.u32b;
    this.temperature = b.temperature;
    this.u64 = b.u64;
    this.compute = b.flavor == null ? null : new ProcessListReader(handle, b.flavor, false);
    this.graphics = b.flavor == null ? null : new ProcessListReader(handle, b.flavor, true);
    this.useMemoryV2 = b.useMemoryV2;
    this.useTemperatureV = b.binding.has(NvmlTemperatureVApi.class);
    this.hasLegacyTemperature = b.binding.has(NvmlTemperatureApi.class);
    this.hasPcieThroughput = b.binding.has(NvmlPcieThroughputApi.class);
    this.hasNvLinkState = b.binding.has(NvmlNvLinkApi.class);
    this.hasEnergy = b.hasEnergy;
    this.hasMigMode = b.binding.has(NvmlMigModeApi.class);
    this.maxLinkGeneration = b.maxLinkGeneration;
    this.maxLinkWidth = b.maxLinkWidth;
    this.request = b.fieldRequest();
    this.linkCount = request.linkCount;
    this.linkTx = new CounterRate[linkCount];
    this.linkRx = new CounterRate[linkCount];
    for (int link = 0; link < linkCount; link++) {
      linkTx[link] = new CounterRate(1024);
      linkRx[link] = new CounterRate(1024);
    }
  }

  DeviceInfo info() {
    return info;
  }

  Pointer handle() {
    return handle;
  }

  boolean usesMemoryV2() {
    return useMemoryV2;
  }

  boolean hasPcieByteCounters() {
    return request.pcieTx != FieldRequest.NONE;
  }

  int linkCount() {
    return linkCount;
  }

  boolean hasEnergy() {
    return hasEnergy;
  }

  boolean isLost() {
    return lostIn != null;
  }

  /** The native buffer capacity of the compute list (for tests of the growth rule). */
  int computeListCapacity() {
    return compute == null ? 0 : compute.capacity();
  }

  /** The check for memory, the reading a snapshot cannot do without: any failure throws. */
  @Override
  public boolean onFailure(int code, String function) throws NvmlException {
    throwIfLost(code, function);
    throw NvmlCalls.failure(function, code);
  }

  /**
   * The check for every reading but memory: like {@link #accept}, except that a code other than
   * SUCCESS, NOT_SUPPORTED, NO_PERMISSION and GPU_IS_LOST is noted in the pass's failures and
   * answered false, so only that reading is missing from the snapshot.
   */
  private boolean acceptOptional(int code, String function) throws NvmlException {
    return optionalCheck.accept(code, function);
  }

  private boolean onOptionalFailure(int code, String function) throws GpuLostException {
    throwIfLost(code, function);
    noteFailure(function, code, null);
    return false;
  }

  /** Past open a lost GPU ends the device for good: later snapshots answer the same without a call. */
  private void throwIfLost(int code, String function) throws GpuLostException {
    if (code == NVML_ERROR_GPU_IS_LOST) {
      lostIn = function;
      throw lost(function);
    }
  }

  /** Notes one failure of this pass, once per function and code (field elements share a function). */
  private void noteFailure(String function, int code, String message) {
    for (int i = 0; i < passFailures.size(); i++) {
      ReadingFailure known = passFailures.get(i);
      if (known.returnCode() == code && known.function().equals(function)) {
        return;
      }
    }
    String text = message != null ? message : function + " returned " + code + " (" + NvmlCalls.message(code) + ")";
    passFailures.add(new ReadingFailure(function, code, text));
  }

  private GpuLostException lost(String function) {
    return new GpuLostException(info.uuid(), function, NvmlCalls.message(NVML_ERROR_GPU_IS_LOST));
  }

  /** Ends this reader's life; waits for a read in progress because it takes the same lock. */
  synchronized void retire() {
    retired = true;
  }

  private void checkOpen() {
    if (retired) {
      throw new IllegalStateException("this NVML session is closed");
    }
  }

  synchronized DeviceSnapshot snapshot() throws NvmlException {
    checkOpen();
    String lostFunction = lostIn;
    if (lostFunction != null) {
      throw lost(lostFunction);
    }
    Instant now = clock.instant();
    passFailures.clear();
    MemoryReading memory = readMemory();
    Optional<Bar1Memory> bar1Memory = readBar1();
    List<GpuProcess> processes = readProcesses();
    Optional<Utilization> busy = readUtilization();
    boolean fieldsRead = readFields();
    Optional<PcieStatus> pcie = readPcie(fieldsRead);
    Optional<NvLinkStatus> nvlink = readNvLink(fieldsRead);
    OptionalInt celsius = readTemperature();
    OptionalLong power = readUnsignedInt(NvmlCoreApi.nvmlDeviceGetPowerUsage(handle, u32), FN_POWER, powerReading);
    OptionalLong energy = readEnergy(fieldsRead);
    List<ReadingFailure> failed = passFailures.isEmpty() ? List.of() : List.copyOf(passFailures);
    return new DeviceSnapshot(
        info.uuid(), now, memory, bar1Memory, processes, busy, pcie, nvlink, celsius, power, energy, failed);
  }

  synchronized DeviceModes modes() throws NvmlException {
    checkOpen();
    String lostFunction = lostIn;
    if (lostFunction != null) {
      throw lost(lostFunction);
    }
    Optional<Boolean> mig = Optional.empty();
    Optional<Boolean> pending = Optional.empty();
    if (hasMigMode && accept(NvmlMigModeApi.nvmlDeviceGetMigMode(handle, u32, u32b), FN_MIG)) {
      mig = Optional.of(u32.getInt(0) == NvmlConstants.NVML_DEVICE_MIG_ENABLE);
      pending = Optional.of(u32b.getInt(0) == NvmlConstants.NVML_DEVICE_MIG_ENABLE);
    }
    Optional<DeviceModes.ComputeMode> computeMode = Optional.empty();
    if (accept(NvmlCoreApi.nvmlDeviceGetComputeMode(handle, u32), FN_COMPUTE_MODE)) {
      computeMode = DeviceModes.ComputeMode.of(u32.getInt(0));
    }
    return new DeviceModes(mig, pending, computeMode);
  }

  // ---- memory -------------------------------------------------------------------------------

  private MemoryReading readMemory() throws NvmlException {
    if (useMemoryV2) {
      memoryV2.setInt(NvmlLayout.MEMORY_V2_VERSION, NvmlConstants.nvmlMemory_v2);
      int rc = NvmlMemoryV2Api.nvmlDeviceGetMemoryInfo_v2(handle, memoryV2);
      if (rc == NVML_SUCCESS) {
        return fromV2(memoryV2);
      }
      if (!fallsBackToV1(rc)) {
        throw memoryFailure(rc, FN_MEMORY_V2);
      }
      useMemoryV2 = false;
    }
    int rc = NvmlCoreApi.nvmlDeviceGetMemoryInfo(handle, memoryV1);
    if (rc != NVML_SUCCESS) {
      throw memoryFailure(rc, FN_MEMORY);
    }
    return new MemoryReading(
        memoryV1.getLong(NvmlLayout.MEMORY_TOTAL), 0,
        memoryV1.getLong(NvmlLayout.MEMORY_USED), memoryV1.getLong(NvmlLayout.MEMORY_FREE));
  }

  /** A driver that knows the symbol but not this struct version answers with one of these. */
  static boolean fallsBackToV1(int rc) {
    return rc == NVML_ERROR_ARGUMENT_VERSION_MISMATCH || rc == NVML_ERROR_FUNCTION_NOT_FOUND;
  }

  /** Memory is the one reading a snapshot cannot do without: even NOT_SUPPORTED is an error. */
  private NvmlException memoryFailure(int rc, String function) throws NvmlException {
    accept(rc, function); // throws GpuLostException for a lost GPU, NvmlException for most codes
    return NvmlCalls.failure(function, rc);
  }

  /**
   * Normalises a v2 reading so {@code used} excludes {@code reserved}. Drivers disagree on whether
   * v2 {@code used} includes it; the invariant that holds ({@code used + free + reserved ≈ total}
   * or {@code used + free ≈ total}) decides, per reading.
   */
  static MemoryReading fromV2(Pointer m) {
    long total = m.getLong(NvmlLayout.MEMORY_V2_TOTAL);
    long reserved = m.getLong(NvmlLayout.MEMORY_V2_RESERVED);
    long free = m.getLong(NvmlLayout.MEMORY_V2_FREE);
    long used = m.getLong(NvmlLayout.MEMORY_V2_USED);
    long offExcluding = Math.abs(used + free + reserved - total);
    long offIncluding = Math.abs(used + free - total);
    if (reserved > 0 && offIncluding < offExcluding && used >= reserved) {
      used -= reserved;
    }
    return new MemoryReading(total, reserved, used, free);
  }

  // ---- BAR1, processes, utilization ---------------------------------------------------------

  private Optional<Bar1Memory> readBar1() throws NvmlException {
    if (!acceptOptional(NvmlCoreApi.nvmlDeviceGetBAR1MemoryInfo(handle, bar1), FN_BAR1)) {
      return Optional.empty();
    }
    long total = bar1.getLong(NvmlLayout.BAR1_TOTAL);
    long used = bar1.getLong(NvmlLayout.BAR1_USED);
    long free = bar1.getLong(NvmlLayout.BAR1_FREE);
    Optional<Bar1Memory> last = lastBar1;
    if (last.isEmpty() || last.get().totalBytes() != total || last.get().usedBytes() != used
        || last.get().freeBytes() != free) {
      lastBar1 = Optional.of(new Bar1Memory(total, used, free));
    }
    return lastBar1;
  }

  private List<GpuProcess> readProcesses() throws NvmlException {
    if (compute == null) {
      return List.of();
    }
    // Sized by the last pass, so the list's array is allocated once and at the right size.
    List<GpuProcess> out = new ArrayList<>(lastProcessCount);
    int failuresBefore = passFailures.size();
    int computeCount;
    try {
      compute.readInto(out, GpuProcess.ProcessKind.COMPUTE, optionalCheck);
      computeCount = out.size();
      graphics.readInto(out, GpuProcess.ProcessKind.GRAPHICS, optionalCheck);
    } catch (GpuLostException e) {
      throw e;
    } catch (NvmlException e) {
      // The list kept growing past every retry: this pass has no process list, the next tries again.
      noteFailure(e.function(), e.returnCode(), e.getMessage());
      return List.of();
    }
    if (passFailures.size() != failuresBefore) {
      // Half a list would charge the missing processes' memory to nobody: all or nothing.
      return List.of();
    }
    lastProcessCount = out.size();
    return out.isEmpty() ? List.of() : mergeByPid(out, computeCount);
  }

  /**
   * A process with both a CUDA and a graphics context appears in both lists; it is reported once,
   * as COMPUTE_AND_GRAPHICS, with the larger of the two memory figures. The first {@code
   * computeCount} entries are the compute list.
   */
  static List<GpuProcess> mergeByPid(List<GpuProcess> all, int computeCount) {
    if (computeCount == 0 || computeCount == all.size()) {
      return all;
    }
    List<GpuProcess> merged = new ArrayList<>(all.subList(0, computeCount));
    for (int g = computeCount; g < all.size(); g++) {
      GpuProcess graphicsProcess = all.get(g);
      int match = -1;
      for (int c = 0; c < computeCount; c++) {
        if (merged.get(c).pid() == graphicsProcess.pid()) {
          match = c;
          break;
        }
      }
      if (match < 0) {
        merged.add(graphicsProcess);
      } else {
        GpuProcess both = merged.get(match);
        merged.set(match, new GpuProcess(both.pid(), GpuProcess.ProcessKind.COMPUTE_AND_GRAPHICS,
            larger(both.usedGpuMemoryBytes(), graphicsProcess.usedGpuMemoryBytes())));
      }
    }
    return merged;
  }

  private static OptionalLong larger(OptionalLong a, OptionalLong b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return a.getAsLong() >= b.getAsLong() ? a : b;
  }

  private Optional<Utilization> readUtilization() throws NvmlException {
    if (!acceptOptional(NvmlCoreApi.nvmlDeviceGetUtilizationRates(handle, utilization), FN_UTILIZATION)) {
      return Optional.empty();
    }
    int gpu = utilization.getInt(NvmlLayout.UTILIZATION_GPU);
    int memory = utilization.getInt(NvmlLayout.UTILIZATION_MEMORY);
    Optional<Utilization> last = lastUtilization;
    if (last.isEmpty() || last.get().gpuPercent() != gpu || last.get().memoryPercent() != memory) {
      lastUtilization = Optional.of(new Utilization(gpu, memory));
    }
    return lastUtilization;
  }

  // ---- field values: counters, replay, energy and link states in one call ------------------

  private boolean readFields() throws NvmlException {
    return request.call(handle, optionalCheck);
  }

  /** The rate of counter element {@code index}, or {@link CounterRate#NO_RATE}. */
  private long fieldRate(int index, CounterRate rate) throws NvmlException {
    return request.rate(index, rate, optionalCheck);
  }

  private static OptionalLong optional(long rate) {
    return rate == CounterRate.NO_RATE ? OptionalLong.empty() : OptionalLong.of(rate);
  }

  // ---- PCIe ---------------------------------------------------------------------------------

  private Optional<PcieStatus> readPcie(boolean fieldsRead) throws NvmlException {
    OptionalLong tx = OptionalLong.empty();
    OptionalLong rx = OptionalLong.empty();
    if (request.pcieTx != FieldRequest.NONE) {
      if (fieldsRead) {
        tx = optional(fieldRate(request.pcieTx, pcieTx));
        rx = optional(fieldRate(request.pcieRx, pcieRx));
      }
    } else if (hasPcieThroughput) {
      // Older drivers: the driver's own 20 ms sample, in KB/s.
      tx = readKilobytesPerSecond(NvmlConstants.NVML_PCIE_UTIL_TX_BYTES);
      rx = readKilobytesPerSecond(NvmlConstants.NVML_PCIE_UTIL_RX_BYTES);
    }
    OptionalInt gen = readInt(NvmlCoreApi.nvmlDeviceGetCurrPcieLinkGeneration(handle, u32), FN_CURR_GEN, currGen);
    OptionalInt width = readInt(NvmlCoreApi.nvmlDeviceGetCurrPcieLinkWidth(handle, u32), FN_CURR_WIDTH, currWidth);
    OptionalLong replays;
    if (request.replay != FieldRequest.NONE) {
      replays = fieldsRead && request.answered(request.replay, optionalCheck)
          ? replay.ofLong(Integer.toUnsignedLong(request.intValue(request.replay)))
          : OptionalLong.empty();
    } else {
      replays = readUnsignedInt(NvmlCoreApi.nvmlDeviceGetPcieReplayCounter(handle, u32), FN_REPLAY, replay);
    }
    if (tx.isEmpty() && rx.isEmpty() && gen.isEmpty() && maxLinkGeneration.isEmpty() && width.isEmpty()
        && maxLinkWidth.isEmpty() && replays.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PcieStatus(tx, rx, gen, maxLinkGeneration, width, maxLinkWidth, replays));
  }

  private OptionalLong readKilobytesPerSecond(int counter) throws NvmlException {
    int rc = NvmlPcieThroughputApi.nvmlDeviceGetPcieThroughput(handle, counter, u32);
    if (!acceptOptional(rc, FN_PCIE_THROUGHPUT)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Integer.toUnsignedLong(u32.getInt(0)) * 1024L);
  }

  // ---- NVLink -------------------------------------------------------------------------------

  private Optional<NvLinkStatus> readNvLink(boolean fieldsRead) throws NvmlException {
    if (linkCount == 0) {
      return Optional.empty();
    }
    OptionalLong tx = fieldsRead ? optional(fieldRate(request.nvlinkTx, nvlinkTx)) : OptionalLong.empty();
    OptionalLong rx = fieldsRead ? optional(fieldRate(request.nvlinkRx, nvlinkRx)) : OptionalLong.empty();
    NvLinkStatus.Link[] links = new NvLinkStatus.Link[linkCount];
    for (int link = 0; link < linkCount; link++) {
      OptionalLong linkTxRate = OptionalLong.empty();
      OptionalLong linkRxRate = OptionalLong.empty();
      if (fieldsRead) {
        linkTxRate = optional(fieldRate(request.linkTx(link), linkTx[link]));
        linkRxRate = optional(fieldRate(request.linkRx(link), linkRx[link]));
      }
      boolean active = false;
      if (request.linkStateIncluded) {
        // One field per link in the same call instead of one nvmlDeviceGetNvLinkState call each.
        int state = request.linkState(link);
        active = fieldsRead && request.answered(state, optionalCheck)
            && request.intValue(state) == NvmlConstants.NVML_FEATURE_ENABLED;
      } else if (hasNvLinkState
          && acceptOptional(NvmlNvLinkApi.nvmlDeviceGetNvLinkState(handle, link, u32), FN_NVLINK_STATE)) {
        active = u32.getInt(0) == NvmlConstants.NVML_FEATURE_ENABLED;
      }
      links[link] = new NvLinkStatus.Link(link, active, linkTxRate, linkRxRate);
    }
    // List.of gives the immutable list the record would otherwise copy into.
    return Optional.of(new NvLinkStatus(linkCount, tx, rx, List.of(links)));
  }

  // ---- temperature, power, energy -----------------------------------------------------------

  private OptionalInt readTemperature() throws NvmlException {
    if (useTemperatureV) {
      temperature.setInt(NvmlLayout.TEMPERATURE_VERSION, NvmlConstants.nvmlTemperature_v1);
      temperature.setInt(NvmlLayout.TEMPERATURE_SENSOR, NvmlConstants.NVML_TEMPERATURE_GPU);
      int rc = NvmlTemperatureVApi.nvmlDeviceGetTemperatureV(handle, temperature);
      if (rc != NVML_ERROR_ARGUMENT_VERSION_MISMATCH || !hasLegacyTemperature) {
        return acceptOptional(rc, FN_TEMPERATURE_V)
            ? temperatureReading.ofInt(temperature.getInt(NvmlLayout.TEMPERATURE_VALUE))
            : OptionalInt.empty();
      }
      useTemperatureV = false;
    }
    if (!hasLegacyTemperature) {
      return OptionalInt.empty();
    }
    int rc = NvmlTemperatureApi.nvmlDeviceGetTemperature(handle, NvmlConstants.NVML_TEMPERATURE_GPU, u32);
    return readInt(rc, FN_TEMPERATURE, temperatureReading);
  }

  private OptionalLong readEnergy(boolean fieldsRead) throws NvmlException {
    if (request.energy != FieldRequest.NONE) {
      return fieldsRead && request.answered(request.energy, optionalCheck)
          ? OptionalLong.of(request.longValue(request.energy))
          : OptionalLong.empty();
    }
    if (!hasEnergy) {
      return OptionalLong.empty();
    }
    if (!acceptOptional(NvmlEnergyApi.nvmlDeviceGetTotalEnergyConsumption(handle, u64), FN_ENERGY)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(u64.getLong(0));
  }

  private OptionalInt readInt(int rc, String function, RepeatedReading last) throws NvmlException {
    return acceptOptional(rc, function) ? last.ofInt(u32.getInt(0)) : OptionalInt.empty();
  }

  private OptionalLong readUnsignedInt(int rc, String function, RepeatedReading last) throws NvmlException {
    return acceptOptional(rc, function) ? last.ofLong(Integer.toUnsignedLong(u32.getInt(0))) : OptionalLong.empty();
  }

  // ---- opening ------------------------------------------------------------------------------

  /** Opens one device: see {@link DeviceSetup#probe}. */
  static DeviceReader open(int index, Pointer handle, NativeBinding binding, ProcessListReader.Flavor flavor,
      Clock clock) throws NvmlException {
    return new DeviceReader(DeviceSetup.probe(index, handle, binding, flavor, clock));
  }
}
