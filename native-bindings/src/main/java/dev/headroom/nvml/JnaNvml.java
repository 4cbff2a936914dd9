package dev.headroom.nvml;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dev.headroom.nvml.jna.NvmlConstants;
import dev.headroom.nvml.jna.NvmlCoreApi;
import dev.headroom.nvml.jna.NvmlCudaVersionApi;
import dev.headroom.nvml.jna.NvmlEnergyApi;
import dev.headroom.nvml.jna.NvmlEventsApi;
import dev.headroom.nvml.jna.NvmlFieldValuesApi;
import dev.headroom.nvml.jna.NvmlMemoryV2Api;
import dev.headroom.nvml.jna.NvmlPcieThroughputApi;
import dev.headroom.nvml.jna.NvmlProcessesV1Api;
import dev.headroom.nvml.jna.NvmlProcessesV2Api;
import dev.headroom.nvml.jna.NvmlProcessesV3Api;
import dev.headroom.nvml.jna.NvmlReturn;
import dev.headroom.nvml.jna.NvmlTemperatureVApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The facade over the real libnvidia-ml (or the fake one in tests) through JNA. Opening loads the
 * library, registers the raw bindings, initialises NVML once, opens every device it may and
 * decides once per device which calls and struct versions to use; reads then only call.
 */
final class JnaNvml implements Nvml {

  private final NativeBinding binding;
  private final DriverInfo driver;
  private final Map<String, DeviceReader> devices;
  private final List<DeviceInfo> deviceInfos;
  private final List<SkippedDevice> skipped;
  private final Set<NvmlFeature> unsupported;
  private final Optional<XidEventWatcher> xid;
  private final Object closeLock = new Object();
  private volatile boolean closed;

  private JnaNvml(NativeBinding binding, DriverInfo driver, List<DeviceReader> readers, List<SkippedDevice> skipped,
      Set<NvmlFeature> unsupported, Optional<XidEventWatcher> xid) {
    this.binding = binding;
    this.driver = driver;
    Map<String, DeviceReader> byUuid = new LinkedHashMap<>();
    List<DeviceInfo> infos = new ArrayList<>();
    for (DeviceReader reader : readers) {
      byUuid.put(reader.info().uuid(), reader);
      infos.add(reader.info());
    }
    this.devices = Collections.unmodifiableMap(byUuid);
    this.deviceInfos = List.copyOf(infos);
    this.skipped = List.copyOf(skipped);
    this.unsupported = Collections.unmodifiableSet(unsupported);
    this.xid = xid;
  }

  static Nvml open(Optional<Path> libraryOverride) throws NvmlException {
    return open(LibraryLocation.resolve(libraryOverride, System.getenv()), Clock.systemUTC(), DriverPresence::probe);
  }

  /**
   * @param clock stamps snapshots and events (counter rates use the driver's own timestamps)
   * @param presence looked at only to explain a library that cannot be loaded
   */
  static JnaNvml open(LibraryLocation location, Clock clock, Supplier<DriverPresence> presence) throws NvmlException {
    NativeLibrary library = load(location, presence);
    NativeBinding binding = NativeBinding.bind(library, location.target());
    try {
      int rc = NvmlCoreApi.nvmlInit_v2();
      if (rc != NvmlReturn.NVML_SUCCESS) {
        throw initFailure(location, rc);
      }
      try {
        return openInitialised(binding, clock);
      } catch (NvmlException | RuntimeException e) {
        NvmlCoreApi.nvmlShutdown();
        throw e;
      }
    } catch (NvmlException | RuntimeException e) {
      binding.close();
      throw e;
    }
  }

  private static NativeLibrary load(LibraryLocation location, Supplier<DriverPresence> presence)
      throws NvmlUnavailableException {
    if (!location.isDefault() && !Files.exists(Path.of(location.target()))) {
      throw new NvmlUnavailableException(
          "the NVML library " + location.target() + " named by " + location.origin() + " does not exist; point "
              + Nvml.LIBRARY_ENV + " (or --nvml-library) at the driver's libnvidia-ml.so.1, or unset it to use "
              + LibraryLocation.DEFAULT_NAME + " from the loader path",
          "dlopen", -1, null);
    }
    try {
      return NativeLibrary.getInstance(location.target());
    } catch (UnsatisfiedLinkError e) {
      throw new NvmlUnavailableException(
          presence.get().explainMissing(location, String.valueOf(e.getMessage())), "dlopen", -1, e);
    }
  }

  private static NvmlUnavailableException initFailure(LibraryLocation location, int rc) {
    String message = "nvmlInit_v2 returned " + rc + " (" + NvmlCalls.message(rc) + ") from " + location.target();
    String hint = switch (rc) {
      case NvmlReturn.NVML_ERROR_DRIVER_NOT_LOADED ->
          ": the NVIDIA kernel driver is not loaded (is this a container without the GPU devices, or does the"
              + " driver need a reboot?)";
      case NvmlReturn.NVML_ERROR_LIB_RM_VERSION_MISMATCH ->
          ": the library and the kernel module are different driver versions; reboot or reload the driver";
      case NvmlReturn.NVML_ERROR_NO_PERMISSION -> ": this user may not open the GPU devices (/dev/nvidia*)";
      default -> "";
    };
    if (location.looksLikeCudaStub()) {
      hint += "; this is the CUDA toolkit's link-time stub, not the driver's library: point " + Nvml.LIBRARY_ENV
          + " at the driver's libnvidia-ml.so.1 instead";
    }
    return new NvmlUnavailableException(message + hint, "nvmlInit_v2", rc, null);
  }

  private static JnaNvml openInitialised(NativeBinding binding, Clock clock) throws NvmlException {
    Set<NvmlFeature> unsupported = EnumSet.noneOf(NvmlFeature.class);
    DriverInfo driver = readDriver(binding, unsupported);
    ProcessListReader.Flavor flavor = processFlavor(binding);

    Memory out = new Memory(8);
    out.clear();
    int rc = NvmlCoreApi.nvmlDeviceGetCount_v2(out);
    if (rc != NvmlReturn.NVML_SUCCESS) {
      throw NvmlCalls.failure("nvmlDeviceGetCount_v2", rc);
    }
    int count = out.getInt(0);
    List<DeviceReader> readers = new ArrayList<>();
    List<SkippedDevice> skipped = new ArrayList<>();
    for (int index = 0; index < count; index++) {
      out.setLong(0, 0);
      rc = NvmlCoreApi.nvmlDeviceGetHandleByIndex_v2(index, out);
      if (rc != NvmlReturn.NVML_SUCCESS) {
        // NO_PERMISSION for a device counted by _v2 but not ours to open; others keep working.
        skipped.add(new SkippedDevice(index, "nvmlDeviceGetHandleByIndex_v2: " + NvmlCalls.message(rc)));
        continue;
      }
      Pointer handle = out.getPointer(0);
      try {
        readers.add(DeviceReader.open(index, handle, binding, flavor, clock));
      } catch (NvmlException e) {
        skipped.add(new SkippedDevice(index, e.function() + ": " + NvmlCalls.message(e.returnCode())));
      }
    }
    noteFeatures(binding, readers, unsupported);
    Optional<XidEventWatcher> xid = Optional.empty();
    if (binding.has(NvmlEventsApi.class)) {
      xid = XidEventWatcher.open(readers, clock);
    }
    if (xid.isEmpty()) {
      unsupported.add(NvmlFeature.XID_EVENTS);
    }
    return new JnaNvml(binding, driver, readers, skipped, unsupported, xid);
  }

  private static DriverInfo readDriver(NativeBinding binding, Set<NvmlFeature> unsupported) throws NvmlException {
    Memory text = new Memory(NvmlConstants.NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE);
    text.clear();
    int rc = NvmlCoreApi.nvmlSystemGetDriverVersion(text, (int) text.size());
    if (rc != NvmlReturn.NVML_SUCCESS) {
      throw NvmlCalls.failure("nvmlSystemGetDriverVersion", rc);
    }
    String driverVersion = text.getString(0, "US-ASCII");
    text.clear();
    rc = NvmlCoreApi.nvmlSystemGetNVMLVersion(text, (int) text.size());
    if (rc != NvmlReturn.NVML_SUCCESS) {
      throw NvmlCalls.failure("nvmlSystemGetNVMLVersion", rc);
    }
    String nvmlVersion = text.getString(0, "US-ASCII");
    Optional<Integer> cuda = Optional.empty();
    if (binding.has(NvmlCudaVersionApi.class)) {
      text.clear();
      rc = NvmlCudaVersionApi.nvmlSystemGetCudaDriverVersion_v2(text);
      // Fails on its own when libcuda is missing (LIBRARY_NOT_FOUND, FUNCTION_NOT_FOUND): not fatal.
      if (rc == NvmlReturn.NVML_SUCCESS) {
        cuda = Optional.of(text.getInt(0));
      }
    }
    if (cuda.isEmpty()) {
      unsupported.add(NvmlFeature.CUDA_DRIVER_VERSION);
    }
    return new DriverInfo(driverVersion, nvmlVersion, cuda);
  }

  /**
   * nvitop's rule for the R535 ABI break: {@code _v3} wrote 32-byte entries on drivers that export
   * nvmlDeviceGetConfComputeMemSizeInfo but not yet nvmlDeviceGetRunningProcessDetailList.
   */
  static ProcessListReader.Flavor processFlavor(NativeBinding binding) {
    if (binding.has(NvmlProcessesV3Api.class)) {
      boolean early535 = binding.exports("nvmlDeviceGetConfComputeMemSizeInfo")
          && !binding.exports("nvmlDeviceGetRunningProcessDetailList");
      return early535 ? ProcessListReader.Flavor.V3_R535_EARLY : ProcessListReader.Flavor.V3;
    }
    if (binding.has(NvmlProcessesV2Api.class)) {
      return ProcessListReader.Flavor.V2;
    }
    if (binding.has(NvmlProcessesV1Api.class)) {
      return ProcessListReader.Flavor.V1;
    }
    return null;
  }

  private static void noteFeatures(NativeBinding binding, List<DeviceReader> readers, Set<NvmlFeature> out) {
    if (!binding.has(NvmlMemoryV2Api.class) || readers.stream().noneMatch(DeviceReader::usesMemoryV2)) {
      out.add(NvmlFeature.MEMORY_INFO_V2);
    }
    if (!binding.has(NvmlProcessesV3Api.class)) {
      out.add(NvmlFeature.PROCESS_LIST_V3);
    }
    if (!binding.has(NvmlProcessesV2Api.class)) {
      out.add(NvmlFeature.PROCESS_LIST_V2);
    }
    if (processFlavor(binding) == null) {
      out.add(NvmlFeature.GRAPHICS_PROCESS_LIST);
    }
    if (!binding.has(NvmlTemperatureVApi.class)) {
      out.add(NvmlFeature.TEMPERATURE_V);
    }
    if (!binding.has(NvmlFieldValuesApi.class)) {
      out.add(NvmlFeature.FIELD_VALUES);
    }
    if (!binding.has(NvmlPcieThroughputApi.class)) {
      out.add(NvmlFeature.PCIE_THROUGHPUT);
    }
    if (readers.stream().noneMatch(DeviceReader::hasPcieByteCounters)) {
      out.add(NvmlFeature.PCIE_BYTE_COUNTERS);
    }
    if (readers.stream().allMatch(r -> r.linkCount() == 0)) {
      out.add(NvmlFeature.NVLINK);
    }
    if (!binding.has(NvmlEnergyApi.class) || readers.stream().noneMatch(DeviceReader::hasEnergy)) {
      out.add(NvmlFeature.ENERGY);
    }
  }

  @Override
  public DriverInfo driver() {
    return driver;
  }

  @Override
  public List<DeviceInfo> devices() {
    return deviceInfos;
  }

  @Override
  public List<SkippedDevice> skippedDevices() {
    return skipped;
  }

  @Override
  public Set<NvmlFeature> unsupportedFeatures() {
    return unsupported;
  }

  @Override
  public DeviceSnapshot snapshot(String uuid) throws NvmlException {
    return reader(uuid).snapshot();
  }

  @Override
  public Optional<DeviceModes> modes(String uuid) throws NvmlException {
    return Optional.of(reader(uuid).modes());
  }

  private DeviceReader reader(String uuid) {
    if (closed) {
      throw new IllegalStateException("this NVML session is closed");
    }
    DeviceReader reader = devices.get(uuid);
    if (reader == null) {
      throw new IllegalArgumentException("no device with UUID " + uuid + " in this session; devices: " + devices.keySet());
    }
    return reader;
  }

  @Override
  public Optional<XidEvent> awaitXid(Duration timeout) throws NvmlException {
    if (closed || xid.isEmpty()) {
      return Optional.empty();
    }
    return xid.get().await(timeout);
  }

  /** Which list processes come from on this driver (for tests of the R535 rule). */
  ProcessListReader.Flavor processListFlavor() {
    return processFlavor(binding);
  }

  /** The reader behind {@code uuid}, for tests that look at per-device decisions. */
  DeviceReader readerFor(String uuid) {
    return reader(uuid);
  }

  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
      // Waits for snapshots in flight (they hold their device's lock) before NVML goes away.
      devices.values().forEach(DeviceReader::retire);
      xid.ifPresent(XidEventWatcher::close);
      NvmlCoreApi.nvmlShutdown();
      binding.close();
    }
  }
}
