package dev.headroom.collector.alert;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real Alertmanager (Debian package {@code prometheus-alertmanager}) on a free loopback port with
 * a temporary config and data dir, clustering off. Its log goes to {@code alertmanager.log} in the
 * work dir for when a test fails.
 */
final class RealAlertmanager implements AutoCloseable {
  private static final List<String> BINARIES =
      List.of("/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager", "/usr/local/bin/alertmanager");

  private final Process process;
  private final URI baseUrl;

  /** The binary, when installed. */
  static Optional<Path> binary() {
    Stream<Path> fromPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .filter(s -> !s.isEmpty())
        .flatMap(dir -> Stream.of(Path.of(dir, "prometheus-alertmanager"), Path.of(dir, "alertmanager")));
    return Stream.concat(BINARIES.stream().map(Path::of), fromPath).filter(Files::isExecutable).findFirst();
  }

  RealAlertmanager(Path binary, Path workDir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path config = workDir.resolve("alertmanager.yml");
    Files.writeString(config, "route:\n  receiver: nobody\n  group_wait: 1s\nreceivers:\n  - name: nobody\n");
    Path log = workDir.resolve("alertmanager.log");
    process = new ProcessBuilder(
            binary.toString(),
            "--config.file=" + config,
            "--storage.path=" + workDir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--cluster.listen-address=")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    baseUrl = URI.create("http://127.0.0.1:" + port);
    awaitReady(log);
  }

  URI baseUrl() {
    return baseUrl;
  }

  private void awaitReady(Path log) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("alertmanager exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try {
        var response = http.send(
            HttpRequest.newBuilder(baseUrl.resolve("/-/ready")).timeout(Duration.ofSeconds(1)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("alertmanager not ready after 15 s: " + Files.readString(log));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
