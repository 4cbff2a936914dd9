package dev.headroom.agent.attribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the container and pod of a process in the lines of {@code /proc/<pid>/cgroup}.
 *
 * <p>Each line is {@code hierarchy-id:controllers:path}; cgroup v2 has the single line {@code
 * 0::/path}, v1 one line per hierarchy. Recognised path shapes:
 *
 * <ul>
 *   <li>docker: {@code /docker/<id>} (v1, cgroupfs) and {@code /system.slice/docker-<id>.scope}
 *       (systemd)
 *   <li>Kubernetes with the cgroupfs driver: {@code /kubepods/burstable/pod<uid>/<id>}
 *   <li>Kubernetes with the systemd driver: {@code
 *       /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_with_underscores>.slice/cri-containerd-<id>.scope}
 *       (and {@code crio-<id>.scope}, {@code docker-<id>.scope})
 *   <li>podman: {@code .../libpod-<id>.scope} (also rootless, under {@code user.slice})
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class CgroupParser {
  private static final String HEX64 = "([0-9a-f]{64})";
  private static final Pattern SCOPE =
      Pattern.compile("(docker|cri-containerd|crio|libpod)-" + HEX64 + "\\.scope");
  private static final Pattern DOCKER_V1 = Pattern.compile("/docker/" + HEX64 + "(?:/|$)");
  private static final Pattern POD =
      Pattern.compile("pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\\.slice)?(?:/|$)");
  private static final Pattern BARE_ID = Pattern.compile("/" + HEX64 + "(?:/|$)");
  private static final Pattern LINE = Pattern.compile("^\\d+:[^:]*:(.*)$");

  private CgroupParser() {}

  /** Reads {@code file} (e.g. {@code /proc/1234/cgroup}); empty when unreadable or not in a container. */
  public static Optional<ContainerRef> parse(Path file) {
    try {
      return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException | SecurityException e) {
      return Optional.empty(); // the process is gone or not ours to read: no container to report
    }
  }

  /** The first container found in {@code lines}; empty for host processes and malformed lines. */
  public static Optional<ContainerRef> parse(List<String> lines) {
    for (String line : lines) {
      Matcher m = LINE.matcher(line.strip());
      if (m.matches()) {
        Optional<ContainerRef> ref = parsePath(m.group(1));
        if (ref.isPresent()) {
          return ref;
        }
      }
    }
    return Optional.empty();
  }

  /** One cgroup path, e.g. {@code /system.slice/docker-<id>.scope}. */
  static Optional<ContainerRef> parsePath(String path) {
    Optional<String> pod = podUid(path);
    Matcher scope = SCOPE.matcher(path);
    if (scope.find()) {
      return Optional.of(new ContainerRef(runtimeOf(scope.group(1)), scope.group(2), pod));
    }
    Matcher docker = DOCKER_V1.matcher(path);
    if (docker.find()) {
      return Optional.of(new ContainerRef(ContainerRef.Runtime.DOCKER, docker.group(1), pod));
    }
    if (pod.isPresent()) {
      Matcher bare = BARE_ID.matcher(path);
      String id = bare.find() ? bare.group(1) : "";
      return Optional.of(new ContainerRef(ContainerRef.Runtime.UNKNOWN, id, pod));
    }
    return Optional.empty();
  }

  private static Optional<String> podUid(String path) {
    Matcher m = POD.matcher(path);
    // systemd slice names cannot hold '-' inside a unit name part, so the kubelet writes '_'
    return m.find() ? Optional.of(m.group(1).replace('_', '-')) : Optional.empty();
  }

  private static ContainerRef.Runtime runtimeOf(String prefix) {
    return switch (prefix) {
      case "docker" -> ContainerRef.Runtime.DOCKER;
      case "cri-containerd" -> ContainerRef.Runtime.CONTAINERD;
      case "crio" -> ContainerRef.Runtime.CRIO;
      default -> ContainerRef.Runtime.PODMAN;
    };
  }
}
