package dev.headroom.agent.attribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether this agent sees the host's PIDs. The NVIDIA driver knows no PID namespaces and always
 * reports host PIDs; an agent in a container without {@code hostPID: true} (Kubernetes) or {@code
 * --pid=host} (docker) cannot resolve them.
 *
 * <p>The test: PID 1 of the host is the init system, whose cgroup is the root or {@code
 * /init.scope}; PID 1 of a container's own namespace is the container's entry point, whose cgroup
 * names the container. So if PID 1 sits in a container cgroup, this is not the host's namespace.
 *
 * @param hostNamespace true when PIDs from the driver can be resolved here
 * @param reason one sentence saying what was found, for the log line
 */
public record PidNamespace(boolean hostNamespace, String reason) {

  /** Looks at {@code /proc}. */
  public static PidNamespace detect() {
    return detect(Path.of("/proc"));
  }

  /** Looks at {@code procRoot} (a copy of {@code /proc} in tests). */
  public static PidNamespace detect(Path procRoot) {
    Path cgroup = procRoot.resolve("1").resolve("cgroup");
    List<String> lines;
    try {
      lines = Files.readAllLines(cgroup, StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      return new PidNamespace(true, "cannot read " + cgroup + " (" + e.getMessage() + "); assuming the host's PID namespace");
    }
    Optional<ContainerRef> init = CgroupParser.parse(lines);
    if (init.isPresent()) {
      return new PidNamespace(
          false,
          "PID 1 here runs in container "
              + init.get().label()
              + ", so this agent has its own PID namespace and cannot resolve the host PIDs the driver"
              + " reports; run it with hostPID: true (Kubernetes) or --pid=host (docker) for per-process"
              + " attribution");
    }
    return new PidNamespace(true, "PID 1 runs outside any container: host PID namespace");
  }
}
