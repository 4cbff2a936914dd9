package dev.headroom.agent.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidNamespaceTest {

  private static Path procWithInitCgroup(Path root, String content) throws IOException {
    Files.createDirectories(root.resolve("1"));
    Files.writeString(root.resolve("1/cgroup"), content);
    return root;
  }

  @Test
  void initInTheRootCgroupMeansTheHostNamespace(@TempDir Path root) throws IOException {
    assertThat(PidNamespace.detect(procWithInitCgroup(root, "0::/init.scope\n")).hostNamespace()).isTrue();
  }

  @Test
  void pidOneInsideAContainerMeansOurOwnNamespaceAndSaysWhatToDo(@TempDir Path root) throws IOException {
    PidNamespace ns =
        PidNamespace.detect(
            procWithInitCgroup(
                root,
                "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c3d4e_5f60_4a1b_9c2d_3e4f5a6b7c8d.slice/cri-containerd-"
                    + CgroupParserTest.ID
                    + ".scope\n"));
    assertThat(ns.hostNamespace()).isFalse();
    assertThat(ns.reason()).contains("hostPID: true").contains("--pid=host").contains("pod/1b2c3d4e-5f60-4a1b-9c2d-3e4f5a6b7c8d");
  }

  @Test
  void unreadableProcAssumesTheHostAndSaysWhy(@TempDir Path root) {
    PidNamespace ns = PidNamespace.detect(root.resolve("missing"));
    assertThat(ns.hostNamespace()).isTrue();
    assertThat(ns.reason()).contains("cannot read");
  }
}
