package dev.headroom.nvml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the machine says about the NVIDIA driver when {@code libnvidia-ml.so.1} cannot be loaded,
 * so the message can tell "no driver" from "driver installed, library not on the loader path".
 *
 * @param kernelDriver the first line of {@code /proc/driver/nvidia/version}, when present
 * @param librariesFound files named libnvidia-ml.so.1 in the usual directories
 */
record DriverPresence(Optional<String> kernelDriver, List<Path> librariesFound) {

  static final Path PROC_VERSION = Path.of("/proc/driver/nvidia/version");

  /** Where distributions, the NVIDIA installer and container toolkits put the library. */
  static final List<Path> USUAL_DIRECTORIES =
      List.of(
          Path.of("/usr/lib/x86_64-linux-gnu"),
          Path.of("/usr/lib/aarch64-linux-gnu"),
          Path.of("/usr/lib64"),
          Path.of("/usr/lib"),
          Path.of("/usr/local/nvidia/lib64"),
          Path.of("/run/nvidia/driver/usr/lib/x86_64-linux-gnu"));

  DriverPresence {
    librariesFound = List.copyOf(librariesFound);
  }

  static DriverPresence probe() {
    return probe(PROC_VERSION, USUAL_DIRECTORIES);
  }

  static DriverPresence probe(Path procVersion, List<Path> directories) {
    Optional<String> kernel = Optional.empty();
    try {
      if (Files.isReadable(procVersion)) {
        kernel = Files.readAllLines(procVersion).stream().findFirst().map(String::strip);
      }
    } catch (IOException | RuntimeException e) {
      kernel = Optional.of("(present but unreadable: " + e.getMessage() + ")");
    }
    List<Path> found = new ArrayList<>();
    for (Path dir : directories) {
      Path candidate = dir.resolve(LibraryLocation.DEFAULT_NAME);
      if (Files.exists(candidate)) {
        found.add(candidate);
      }
    }
    return new DriverPresence(kernel, found);
  }

  /**
   * JNA's message repeats dlerror once per path it tried and adds a line about its own jar
   * resources; one line of what the loader said is what helps.
   */
  static String condense(String loaderMessage) {
    java.util.LinkedHashSet<String> lines = new java.util.LinkedHashSet<>();
    for (String line : loaderMessage.split("\\R")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("Unable to load library") || l.startsWith("Native library (")) {
        continue;
      }
      lines.add(l);
    }
    return lines.isEmpty() ? loaderMessage.strip() : String.join("; ", lines);
  }

  /** The whole explanation for a failed load of {@code location}. */
  String explainMissing(LibraryLocation location, String loaderMessage) {
    StringBuilder m = new StringBuilder();
    if (location.isDefault()) {
      m.append(LibraryLocation.DEFAULT_NAME).append(" was not found by the dynamic loader");
    } else {
      m.append("the NVML library ").append(location.target()).append(" (from ").append(location.origin())
          .append(") could not be loaded");
    }
    m.append(" (").append(condense(loaderMessage)).append("). ");
    if (kernelDriver.isPresent()) {
      m.append("The NVIDIA kernel driver is loaded (").append(kernelDriver.get())
          .append("), so the driver seems installed but its user-space library is not on the loader path. ");
    } else {
      m.append("The NVIDIA driver does not seem to be installed (no ").append(PROC_VERSION).append("). ");
    }
    if (!librariesFound.isEmpty()) {
      m.append("Found: ").append(librariesFound).append(". ");
    }
    String example = librariesFound.isEmpty()
        ? "/usr/lib/x86_64-linux-gnu/" + LibraryLocation.DEFAULT_NAME
        : librariesFound.get(0).toString();
    m.append("Install the NVIDIA driver, or set ").append(Nvml.LIBRARY_ENV)
        .append(" (or --nvml-library) to the driver's libnvidia-ml.so.1, e.g. ")
        .append(Nvml.LIBRARY_ENV).append('=').append(example)
        .append(". To try headroom without a GPU, use --simulate.");
    return m.toString();
  }
}
