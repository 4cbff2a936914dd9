package dev.headroom.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryLocationTest {

  @Test
  void theDefaultIsTheVersionedDriverLibraryNeverTheUnversionedName() {
    LibraryLocation l = LibraryLocation.resolve(Optional.empty(), Map.of());
    assertThat(l.target()).isEqualTo("libnvidia-ml.so.1");
    assertThat(l.isDefault()).isTrue();
  }

  @Test
  void anExplicitPathWinsOverTheEnvironmentWhichWinsOverTheDefault() {
    Map<String, String> env = Map.of(Nvml.LIBRARY_ENV, " /opt/nvidia/libnvidia-ml.so.1 ");
    assertThat(LibraryLocation.resolve(Optional.empty(), env))
        .isEqualTo(new LibraryLocation("/opt/nvidia/libnvidia-ml.so.1", "HEADROOM_NVML_LIBRARY"));
    assertThat(LibraryLocation.resolve(Optional.of(Path.of("/x/libnvidia-ml.so.1")), env))
        .isEqualTo(new LibraryLocation("/x/libnvidia-ml.so.1", "--nvml-library"));
    assertThat(LibraryLocation.resolve(Optional.empty(), Map.of(Nvml.LIBRARY_ENV, "  ")).isDefault()).isTrue();
  }

  @Test
  void theCudaStubIsRecognisedByItsDirectory() {
    assertThat(new LibraryLocation("/usr/local/cuda/lib64/stubs/libnvidia-ml.so", "x").looksLikeCudaStub()).isTrue();
    assertThat(new LibraryLocation("/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1", "x").looksLikeCudaStub()).isFalse();
  }

  @Test
  void driverPresenceReadsTheKernelVersionAndFindsLibraries(@TempDir Path dir) throws Exception {
    Path proc = Files.writeString(dir.resolve("version"),
        "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05\nGCC version: 12\n");
    Path libDir = Files.createDirectories(dir.resolve("lib"));
    Files.writeString(libDir.resolve("libnvidia-ml.so.1"), "");
    DriverPresence p = DriverPresence.probe(proc, List.of(libDir, dir.resolve("absent")));
    assertThat(p.kernelDriver()).contains("NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05");
    assertThat(p.librariesFound()).containsExactly(libDir.resolve("libnvidia-ml.so.1"));
    String message = p.explainMissing(LibraryLocation.resolve(Optional.empty(), Map.of()), "cannot open shared object");
    assertThat(message)
        .contains("libnvidia-ml.so.1 was not found by the dynamic loader (cannot open shared object)")
        .contains("driver seems installed but its user-space library is not on the loader path")
        .contains("HEADROOM_NVML_LIBRARY=" + libDir.resolve("libnvidia-ml.so.1"));
  }

  @Test
  void jnasRepeatedLoaderMessageIsCondensedToWhatDlopenSaid() {
    String jna = "Unable to load library 'libnvidia-ml.so.1':\n"
        + "libnvidia-ml.so.1: cannot open shared object file: No such file or directory\n"
        + "libnvidia-ml.so.1: cannot open shared object file: No such file or directory\n"
        + "Native library (linux-x86-64/libnvidia-ml.so.1) not found in resource path (headroom.jar)";
    assertThat(DriverPresence.condense(jna))
        .isEqualTo("libnvidia-ml.so.1: cannot open shared object file: No such file or directory");
    assertThat(DriverPresence.condense("odd")).isEqualTo("odd");
  }

  @Test
  void noDriverAtAllSaysSo(@TempDir Path dir) {
    DriverPresence p = DriverPresence.probe(dir.resolve("no-such-file"), List.of(dir));
    assertThat(p.kernelDriver()).isEmpty();
    assertThat(p.explainMissing(LibraryLocation.resolve(Optional.empty(), Map.of()), "x"))
        .contains("The NVIDIA driver does not seem to be installed")
        .contains("--simulate");
  }
}
