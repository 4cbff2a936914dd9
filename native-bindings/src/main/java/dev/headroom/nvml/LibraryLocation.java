package dev.headroom.nvml;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Which NVML library file to load and who asked for it, so an error can name both.
 *
 * @param target what is handed to the dynamic loader: {@link #DEFAULT_NAME} or a path
 * @param origin where the choice came from, e.g. {@code HEADROOM_NVML_LIBRARY}
 */
record LibraryLocation(String target, String origin) {

  /**
   * The driver's versioned library. Never the unversioned {@code libnvidia-ml.so} (only in dev
   * packages, and the name the CUDA toolkit's link-time stub uses).
   */
  static final String DEFAULT_NAME = "libnvidia-ml.so.1";

  static final String ORIGIN_DEFAULT = "the default name";
  static final String ORIGIN_OVERRIDE = "--nvml-library";
  static final String ORIGIN_ENV = Nvml.LIBRARY_ENV;

  /** An explicit override wins over the environment, which wins over the default name. */
  static LibraryLocation resolve(Optional<Path> override, Map<String, String> environment) {
    if (override.isPresent()) {
      return new LibraryLocation(override.get().toString(), ORIGIN_OVERRIDE);
    }
    String fromEnv = environment.get(Nvml.LIBRARY_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new LibraryLocation(fromEnv.trim(), ORIGIN_ENV);
    }
    return new LibraryLocation(DEFAULT_NAME, ORIGIN_DEFAULT);
  }

  boolean isDefault() {
    return ORIGIN_DEFAULT.equals(origin);
  }

  /** The CUDA toolkit's stub exports every symbol but fails nvmlInit_v2 with a banner. */
  boolean looksLikeCudaStub() {
    return target.contains("/stubs/");
  }
}
