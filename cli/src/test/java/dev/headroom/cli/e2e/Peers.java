package dev.headroom.cli.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** How the end-to-end tests find and start the real Prometheus and Alertmanager. */
final class Peers {
  private Peers() {}

  static Optional<Path> prometheusBinary() {
    return ExternalPeer.binary(List.of("/usr/bin/prometheus", "/usr/local/bin/prometheus"), List.of("prometheus"));
  }

  static Optional<Path> alertmanagerBinary() {
    return ExternalPeer.binary(
        List.of("/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager", "/usr/local/bin/alertmanager"),
        List.of("prometheus-alertmanager", "alertmanager"));
  }

  /**
   * Prometheus scraping {@code 127.0.0.1:agentPort} every second as job {@code headroom-agent},
   * evaluating {@code rulesYaml} every second, and sending alerts to {@code alertmanager} if given.
   */
  static ExternalPeer prometheus(Path binary, Path workDir, int agentPort, String rulesYaml,
      Optional<URI> alertmanager) throws IOException, InterruptedException {
    Path rules = Files.writeString(workDir.resolve("headroom-rules.yml"), rulesYaml);
    String alerting = alertmanager.map(am -> """
        alerting:
          alertmanagers:
            - static_configs:
                - targets: ["%s"]
        """.formatted(am.getAuthority())).orElse("");
    Path config = Files.writeString(workDir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - %s
        scrape_configs:
          - job_name: headroom-agent
            static_configs:
              - targets: ["127.0.0.1:%d"]
        """.formatted(rules, agentPort) + alerting);
    int port = ExternalPeer.freeLoopbackPort();
    return ExternalPeer.start("prometheus", List.of(binary.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + workDir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port), port,
        "/-/ready", workDir);
  }

  /**
   * Alertmanager with clustering off and 1 s notification groups; with {@code webhookUrl} every
   * notification, resolved ones included, goes there. Debug logging, so its log (in a failure
   * message) shows every alert it received.
   */
  static ExternalPeer alertmanager(Path binary, Path workDir, Optional<String> webhookUrl)
      throws IOException, InterruptedException {
    String receiver = webhookUrl.map(url -> """
            webhook_configs:
              - url: %s
                send_resolved: true
        """.formatted(url)).orElse("");
    Path config = Files.writeString(workDir.resolve("alertmanager.yml"), """
        route:
          receiver: e2e
          group_by: [alertname, run_id]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: e2e
        """ + receiver);
    int port = ExternalPeer.freeLoopbackPort();
    return ExternalPeer.start("alertmanager", List.of(binary.toString(), "--config.file=" + config,
        "--storage.path=" + workDir.resolve("alertmanager-data"), "--web.listen-address=127.0.0.1:" + port,
        "--cluster.listen-address=", "--log.level=debug"), port, "/-/ready", workDir);
  }
}
