package dev.headroom.nvml;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One NVML session: the devices of this machine (or of a simulated scenario) and immutable
 * snapshots of them. Nothing here exposes a JNA type, so callers cannot tell the real driver, the
 * fake test library and the simulator apart.
 *
 * <p>Open once per process and keep it: every init and first handle open costs a full GPU
 * initialisation on machines without persistence mode. {@link #close()} is idempotent.
 *
 * <p>Thread safety: {@link #snapshot} may be called for different devices from one sampler thread
 * while another thread blocks in {@link #awaitXid}; implementations must allow exactly that.
 */
public interface Nvml extends AutoCloseable {

  /** Environment variable naming the NVML library file to load instead of libnvidia-ml.so.1. */
  String LIBRARY_ENV = "HEADROOM_NVML_LIBRARY";

  /**
   * Opens the real driver library: {@code libnvidia-ml.so.1}, or the file named by {@code
   * libraryOverride}, else by {@link #LIBRARY_ENV}.
   *
   * <p>One session of the real library can be open per process at a time (the binding is
   * direct-mapped); a second {@code open} before {@link #close()} throws IllegalStateException.
   *
   * @throws NvmlUnavailableException when the library is missing or cannot be initialised
   */
  static Nvml open(Optional<Path> libraryOverride) throws NvmlException {
    return JnaNvml.open(libraryOverride);
  }

  /** Driver, NVML and CUDA driver versions as the library reports them. */
  DriverInfo driver();

  /**
   * The devices this session can read, in NVML index order. Devices the caller has no permission
   * for are left out (see {@link #skippedDevices()}).
   */
  List<DeviceInfo> devices();

  /** Indices counted by NVML but not opened, each with the reason (e.g. NO_PERMISSION). */
  List<SkippedDevice> skippedDevices();

  /** Features missing from this driver (old symbols, NOT_SUPPORTED at open), found once at open. */
  Set<NvmlFeature> unsupportedFeatures();

  /**
   * Reads everything about one device now. Rates (PCIe, NVLink) are computed from the difference
   * to the previous snapshot of the same device, so the first snapshot has none. A reading other
   * than memory that fails is left empty and named in {@link DeviceSnapshot#failedReadings()}: the
   * snapshot is partial, not lost.
   *
   * @throws GpuLostException when the driver says the GPU fell off the bus (from any call); the
   *     device stays lost
   * @throws NvmlException when the memory reading fails: a snapshot cannot do without it
   */
  DeviceSnapshot snapshot(String uuid) throws NvmlException;

  /**
   * MIG and compute mode of one device, read now (not part of the snapshot: they change only at
   * reset or by an administrator).
   *
   * @return empty when this source does not know them
   */
  default Optional<DeviceModes> modes(String uuid) throws NvmlException {
    return Optional.empty();
  }

  /**
   * Waits up to {@code timeout} for the next Xid (critical error) event on any device.
   *
   * @return the event, or empty when none arrived in time or events are unsupported
   */
  Optional<XidEvent> awaitXid(Duration timeout) throws NvmlException;

  /** Shuts the session down; later calls to {@code close} do nothing. */
  @Override
  void close();
}
