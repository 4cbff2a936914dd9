package dev.headroom.agent.attribution;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The container a process runs in, as its cgroup path tells it.
 *
 * @param runtime who made the container
 * @param containerId the runtime's id (64 hex digits for docker, containerd, CRI-O and podman)
 * @param podUid the Kubernetes pod UID (with dashes), when the process runs in a pod
 */
public record ContainerRef(Runtime runtime, String containerId, Optional<String> podUid) {

  /** The container runtimes whose cgroup names are recognised. */
  public enum Runtime {
    DOCKER,
    CONTAINERD,
    CRIO,
    PODMAN,
    /** A pod cgroup without a recognisable runtime suffix (e.g. the cgroupfs driver). */
    UNKNOWN
  }

  public ContainerRef {
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(podUid, "podUid");
  }

  /** The first 12 digits, as {@code docker ps} shows them. */
  public String shortId() {
    return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
  }

  /** One token for reports: {@code pod/<uid>/<short id>} in Kubernetes, else {@code <runtime>/<short id>}. */
  public String label() {
    return podUid.map(uid -> "pod/" + uid + "/" + shortId())
        .orElse(runtime.name().toLowerCase(Locale.ROOT) + "/" + shortId());
  }
}
