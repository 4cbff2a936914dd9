package dev.headroom.agent.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CgroupParserTest {
  static final String ID = "3f2a1b9c0d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";
  static final String POD = "1b2c3d4e-5f60-4a1b-9c2d-3e4f5a6b7c8d";

  private static Optional<ContainerRef> parse(String... lines) {
    return CgroupParser.parse(List.of(lines));
  }

  @Test
  void dockerWithCgroupV1() {
    assertThat(parse("12:pids:/docker/" + ID, "11:memory:/docker/" + ID))
        .hasValue(new ContainerRef(ContainerRef.Runtime.DOCKER, ID, Optional.empty()));
  }

  @Test
  void dockerWithCgroupV2AndSystemd() {
    assertThat(parse("0::/system.slice/docker-" + ID + ".scope"))
        .hasValue(new ContainerRef(ContainerRef.Runtime.DOCKER, ID, Optional.empty()));
  }

  @Test
  void kubernetesContainerdWithSystemdDriverTurnsUnderscoresBackIntoDashes() {
    String line =
        "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
            + POD.replace('-', '_')
            + ".slice/cri-containerd-"
            + ID
            + ".scope";
    ContainerRef ref = parse(line).orElseThrow();
    assertThat(ref.runtime()).isEqualTo(ContainerRef.Runtime.CONTAINERD);
    assertThat(ref.containerId()).isEqualTo(ID);
    assertThat(ref.podUid()).hasValue(POD);
    assertThat(ref.label()).isEqualTo("pod/" + POD + "/3f2a1b9c0d4e");
  }

  @Test
  void kubernetesCrioBestEffort() {
    String line = "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + POD.replace('-', '_') + ".slice/crio-" + ID + ".scope";
    assertThat(parse(line)).hasValue(new ContainerRef(ContainerRef.Runtime.CRIO, ID, Optional.of(POD)));
  }

  @Test
  void kubernetesWithCgroupfsDriverAndCgroupV1() {
    assertThat(parse("4:memory:/kubepods/burstable/pod" + POD + "/" + ID))
        .hasValue(new ContainerRef(ContainerRef.Runtime.UNKNOWN, ID, Optional.of(POD)));
    assertThat(parse("4:memory:/kubepods/pod" + POD)) // the pod's own cgroup: no container yet
        .hasValue(new ContainerRef(ContainerRef.Runtime.UNKNOWN, "", Optional.of(POD)));
  }

  @Test
  void podmanRootfulAndRootless() {
    assertThat(parse("0::/machine.slice/libpod-" + ID + ".scope"))
        .hasValue(new ContainerRef(ContainerRef.Runtime.PODMAN, ID, Optional.empty()));
    assertThat(parse("0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + ID + ".scope/container"))
        .map(ContainerRef::runtime)
        .hasValue(ContainerRef.Runtime.PODMAN);
  }

  @Test
  void hostProcessesAndJunkHaveNoContainer() {
    assertThat(parse("0::/init.scope")).isEmpty();
    assertThat(parse("0::/user.slice/user-1000.slice/session-3.scope")).isEmpty();
    assertThat(parse("0::/system.slice/nvidia-persistenced.service")).isEmpty();
    assertThat(parse("12:cpu,cpuacct:/", "1:name=systemd:/init.scope")).isEmpty();
    assertThat(parse("garbage", "", "0::/docker/too-short")).isEmpty();
    assertThat(parse()).isEmpty();
  }

  @Test
  void firstContainerLineWinsOverEarlierHostLines() {
    assertThat(parse("13:misc:/", "12:memory:/docker/" + ID)).map(ContainerRef::shortId).hasValue("3f2a1b9c0d4e");
  }
}
