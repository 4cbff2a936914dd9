package dev.headroom.nvml;

import java.nio.file.Path;
import java.util.Optional;

/** The facade over the real library through JNA. (Being written: see the binding work.) */
final class JnaNvml {
  private JnaNvml() {}

  static Nvml open(Optional<Path> libraryOverride) throws NvmlException {
    throw new NvmlUnavailableException("the JNA binding is not built yet", "nvmlInit_v2", -1, null);
  }
}
