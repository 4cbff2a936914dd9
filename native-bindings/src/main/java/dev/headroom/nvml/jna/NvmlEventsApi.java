package dev.headroom.nvml.jna;

import com.sun.jna.Pointer;

/** The event-set API (Linux only), with {@code nvmlEventSetWait_v2} (32-byte event data, R450+). */
public final class NvmlEventsApi {
  private NvmlEventsApi() {}

  /** @param set nvmlEventSet_t* (out) */
  public static native int nvmlEventSetCreate(Pointer set);

  /** @param eventTypes unsigned long long*, a bit mask */
  public static native int nvmlDeviceGetSupportedEventTypes(Pointer device, Pointer eventTypes);

  /** @param eventTypes bit mask (unsigned long long) */
  public static native int nvmlDeviceRegisterEvents(Pointer device, long eventTypes, Pointer set);

  /**
   * @param data {@link NvmlEventData}
   * @param timeoutms blocks up to this long; TIMEOUT when nothing arrived
   */
  public static native int nvmlEventSetWait_v2(Pointer set, Pointer data, int timeoutms);

  public static native int nvmlEventSetFree(Pointer set);
}
