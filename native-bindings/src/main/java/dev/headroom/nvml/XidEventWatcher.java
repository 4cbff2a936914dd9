package dev.headroom.nvml;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.headroom.nvml.jna.NvmlConstants;
import dev.headroom.nvml.jna.NvmlEventsApi;
import dev.headroom.nvml.jna.NvmlReturn;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One NVML event set with every device that supports Xid (critical error) events registered.
 * {@link #await} blocks inside {@code nvmlEventSetWait_v2} holding a lock that {@link #close}
 * takes too, so the set is never freed under a waiting thread.
 */
final class XidEventWatcher implements AutoCloseable {

  private final Pointer set;
  private final Memory eventData = new Memory(NvmlLayout.EVENT_SIZE);
  private final Map<Long, String> uuidByHandle;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private boolean closed;

  private XidEventWatcher(Pointer set, Map<Long, String> uuidByHandle, Clock clock) {
    this.set = set;
    this.uuidByHandle = uuidByHandle;
    this.clock = clock;
  }

  /**
   * Creates the set and registers Xid events on each device that reports them as supported.
   *
   * @return empty when the driver supports no event set or no device supports Xid events
   */
  static Optional<XidEventWatcher> open(List<DeviceReader> devices, Clock clock) throws NvmlException {
    Memory out = new Memory(8);
    out.clear();
    int rc = NvmlEventsApi.nvmlEventSetCreate(out);
    if (NvmlCalls.isAbsent(rc)) {
      return Optional.empty();
    }
    if (rc != NvmlReturn.NVML_SUCCESS) {
      throw NvmlCalls.failure("nvmlEventSetCreate", rc);
    }
    Pointer set = out.getPointer(0);
    Map<Long, String> registered = new HashMap<>();
    for (DeviceReader device : devices) {
      if (device.isLost()) {
        continue;
      }
      out.setLong(0, 0);
      rc = NvmlEventsApi.nvmlDeviceGetSupportedEventTypes(device.handle(), out);
      if (rc != NvmlReturn.NVML_SUCCESS) {
        continue; // this device offers no events; the others still may
      }
      long supported = out.getLong(0);
      if ((supported & NvmlConstants.nvmlEventTypeXidCriticalError) == 0) {
        continue;
      }
      rc = NvmlEventsApi.nvmlDeviceRegisterEvents(
          device.handle(), NvmlConstants.nvmlEventTypeXidCriticalError, set);
      if (rc == NvmlReturn.NVML_SUCCESS) {
        registered.put(Pointer.nativeValue(device.handle()), device.info().uuid());
      }
    }
    if (registered.isEmpty()) {
      NvmlEventsApi.nvmlEventSetFree(set);
      return Optional.empty();
    }
    return Optional.of(new XidEventWatcher(set, registered, clock));
  }

  /** UUIDs of the devices whose Xid events this set receives. */
  List<String> registeredUuids() {
    return uuidByHandle.values().stream().sorted().toList();
  }

  Optional<XidEvent> await(Duration timeout) throws NvmlException {
    long millis = Math.max(0, Math.min(timeout.toMillis(), Integer.MAX_VALUE));
    lock.lock();
    try {
      if (closed) {
        return Optional.empty();
      }
      int rc = NvmlEventsApi.nvmlEventSetWait_v2(set, eventData, (int) millis);
      if (rc == NvmlReturn.NVML_ERROR_TIMEOUT) {
        return Optional.empty();
      }
      if (rc != NvmlReturn.NVML_SUCCESS) {
        throw NvmlCalls.failure("nvmlEventSetWait_v2", rc);
      }
      long type = eventData.getLong(NvmlLayout.EVENT_TYPE);
      if ((type & NvmlConstants.nvmlEventTypeXidCriticalError) == 0) {
        return Optional.empty();
      }
      String uuid = uuidByHandle.get(Pointer.nativeValue(eventData.getPointer(NvmlLayout.EVENT_DEVICE)));
      if (uuid == null) {
        return Optional.empty();
      }
      return Optional.of(new XidEvent(uuid, eventData.getLong(NvmlLayout.EVENT_DATA), clock.instant()));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        NvmlEventsApi.nvmlEventSetFree(set);
      }
    } finally {
      lock.unlock();
    }
  }
}
