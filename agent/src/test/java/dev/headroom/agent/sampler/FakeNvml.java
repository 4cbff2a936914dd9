package dev.headroom.agent.sampler;

import dev.headroom.nvml.DeviceInfo;
import dev.headroom.nvml.DeviceSnapshot;
import dev.headroom.nvml.DriverInfo;
import dev.headroom.nvml.GpuProcess;
import dev.headroom.nvml.MemoryReading;
import dev.headroom.nvml.Nvml;
import dev.headroom.nvml.NvmlException;
import dev.headroom.nvml.NvmlFeature;
import dev.headroom.nvml.SkippedDevice;
import dev.headroom.nvml.XidEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A scripted {@link Nvml}: each device answers its n-th read with whatever the test says. */
final class FakeNvml implements Nvml {
  static final long GIB = 1L << 30;

  /** The n-th read (0-based) of one device. */
  @FunctionalInterface
  interface Read {
    DeviceSnapshot read(int n) throws NvmlException;
  }

  private final List<DeviceInfo> devices = new ArrayList<>();
  private final Map<String, Read> reads = new HashMap<>();
  private final Map<String, AtomicInteger> attempts = new HashMap<>();
  final LinkedBlockingQueue<XidEvent> xids = new LinkedBlockingQueue<>();
  final Set<NvmlFeature> unsupported = EnumSet.noneOf(NvmlFeature.class);

  FakeNvml device(String uuid, Read read) {
    devices.add(new DeviceInfo(uuid, devices.size(), "Fake GPU 80GB", "00000000:0" + devices.size() + ":00.0", 80 * GIB));
    reads.put(uuid, read);
    attempts.put(uuid, new AtomicInteger());
    return this;
  }

  /** Read attempts of one device so far, failed ones included. */
  int attempts(String uuid) {
    return attempts.get(uuid).get();
  }

  /** A snapshot with only memory and processes: 80 GiB total, 0.5 GiB reserved. */
  static DeviceSnapshot memory(String uuid, long usedBytes, GpuProcess... processes) {
    return new DeviceSnapshot(
        uuid,
        Instant.EPOCH,
        new MemoryReading(80 * GIB, GIB / 2, usedBytes, 80 * GIB - GIB / 2 - usedBytes),
        Optional.empty(),
        List.of(processes),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        OptionalInt.empty(),
        OptionalLong.empty(),
        OptionalLong.empty());
  }

  static GpuProcess process(long pid, long usedBytes) {
    return new GpuProcess(pid, GpuProcess.ProcessKind.COMPUTE, OptionalLong.of(usedBytes));
  }

  @Override
  public DriverInfo driver() {
    return new DriverInfo("550.00", "12.550.00", Optional.of(12040));
  }

  @Override
  public List<DeviceInfo> devices() {
    return List.copyOf(devices);
  }

  @Override
  public List<SkippedDevice> skippedDevices() {
    return List.of();
  }

  @Override
  public Set<NvmlFeature> unsupportedFeatures() {
    return Set.copyOf(unsupported);
  }

  @Override
  public DeviceSnapshot snapshot(String uuid) throws NvmlException {
    int n = attempts.get(uuid).getAndIncrement();
    return reads.get(uuid).read(n);
  }

  @Override
  public Optional<XidEvent> awaitXid(Duration timeout) throws NvmlException {
    try {
      return Optional.ofNullable(xids.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  @Override
  public void close() {}
}
