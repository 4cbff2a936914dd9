package dev.headroom.nvml;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import dev.headroom.nvml.jna.NvmlCoreApi;
import dev.headroom.nvml.jna.NvmlCudaVersionApi;
import dev.headroom.nvml.jna.NvmlEnergyApi;
import dev.headroom.nvml.jna.NvmlEventsApi;
import dev.headroom.nvml.jna.NvmlFieldValuesApi;
import dev.headroom.nvml.jna.NvmlMemoryV2Api;
import dev.headroom.nvml.jna.NvmlMigModeApi;
import dev.headroom.nvml.jna.NvmlNvLinkApi;
import dev.headroom.nvml.jna.NvmlPcieThroughputApi;
import dev.headroom.nvml.jna.NvmlProcessesV1Api;
import dev.headroom.nvml.jna.NvmlProcessesV2Api;
import dev.headroom.nvml.jna.NvmlProcessesV3Api;
import dev.headroom.nvml.jna.NvmlTemperatureApi;
import dev.headroom.nvml.jna.NvmlTemperatureVApi;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Registers the direct-mapped {@code Nvml*Api} classes against one loaded library and remembers
 * which optional groups the library exports. Probing happens once, here: a symbol an older driver
 * lacks makes its group unavailable, never an {@link UnsatisfiedLinkError} at read time.
 *
 * <p>Direct mapping binds static methods, so one library can be bound per process at a time; a
 * second binding while one is open is refused.
 */
final class NativeBinding implements AutoCloseable {

  /** Groups a driver may lack, in registration order. */
  static final List<Class<?>> OPTIONAL_APIS =
      List.of(
          NvmlCudaVersionApi.class,
          NvmlMemoryV2Api.class,
          NvmlProcessesV3Api.class,
          NvmlProcessesV2Api.class,
          NvmlProcessesV1Api.class,
          NvmlTemperatureVApi.class,
          NvmlTemperatureApi.class,
          NvmlFieldValuesApi.class,
          NvmlNvLinkApi.class,
          NvmlPcieThroughputApi.class,
          NvmlEnergyApi.class,
          NvmlMigModeApi.class,
          NvmlEventsApi.class);

  private static final Object PROCESS_LOCK = new Object();
  private static boolean processBound;

  private final NativeLibrary library;
  private final Set<Class<?>> registered = new LinkedHashSet<>();
  private boolean closed;

  private NativeBinding(NativeLibrary library) {
    this.library = library;
  }

  /**
   * Registers {@link NvmlCoreApi} (every symbol required) and each optional group whose symbols
   * are all exported.
   *
   * @throws NvmlUnavailableException when a required symbol is missing
   * @throws IllegalStateException when another session holds the binding
   */
  static NativeBinding bind(NativeLibrary library, String libraryName) throws NvmlUnavailableException {
    synchronized (PROCESS_LOCK) {
      if (processBound) {
        throw new IllegalStateException(
            "an NVML session is already open in this process; open it once and share it");
      }
      NativeBinding binding = new NativeBinding(library);
      List<String> missing = binding.missingSymbols(NvmlCoreApi.class);
      if (!missing.isEmpty()) {
        throw new NvmlUnavailableException(
            libraryName + " is not a usable NVML library: it does not export " + String.join(", ", missing)
                + " (a driver older than R418, or not libnvidia-ml at all)",
            missing.get(0), -1, null);
      }
      binding.register(NvmlCoreApi.class);
      for (Class<?> api : OPTIONAL_APIS) {
        if (binding.missingSymbols(api).isEmpty()) {
          binding.register(api);
        }
      }
      processBound = true;
      return binding;
    }
  }

  boolean has(Class<?> api) {
    return registered.contains(api);
  }

  /** Whether the library exports {@code symbol}, bound or not (for the R535 rule). */
  boolean exports(String symbol) {
    try {
      library.getFunction(symbol);
      return true;
    } catch (UnsatisfiedLinkError e) {
      return false;
    }
  }

  /** The C symbols a direct-mapped class declares. */
  static List<String> symbolsOf(Class<?> api) {
    List<String> names = new ArrayList<>();
    for (Method m : api.getDeclaredMethods()) {
      if (Modifier.isNative(m.getModifiers())) {
        names.add(m.getName());
      }
    }
    names.sort(String::compareTo);
    return names;
  }

  private List<String> missingSymbols(Class<?> api) {
    List<String> missing = new ArrayList<>();
    for (String symbol : symbolsOf(api)) {
      if (!exports(symbol)) {
        missing.add(symbol);
      }
    }
    return missing;
  }

  private void register(Class<?> api) {
    Native.register(api, library);
    registered.add(api);
  }

  /** Unregisters every class; later calls do nothing. The library itself stays loaded. */
  @Override
  public void close() {
    synchronized (PROCESS_LOCK) {
      if (closed) {
        return;
      }
      closed = true;
      for (Class<?> api : registered) {
        Native.unregister(api);
      }
      registered.clear();
      processBound = false;
    }
  }
}
