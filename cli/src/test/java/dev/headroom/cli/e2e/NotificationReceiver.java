package dev.headroom.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where Alertmanager delivers its notifications (a {@code webhook_configs} receiver with {@code
 * send_resolved}): every alert of every notification is kept with the notification's status, so a
 * test can tell that Alertmanager itself saw an alert fire and then resolve.
 */
final class NotificationReceiver implements AutoCloseable {
  /** One alert as Alertmanager notified it: {@code firing} or {@code resolved}. */
  record Notified(String status, String alertName, String runId, String gpuUuid, JsonNode alert) {}

  private final HttpServer server;
  private final List<Notified> notified = new CopyOnWriteArrayList<>();
  private final ObjectMapper mapper = new ObjectMapper();

  NotificationReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/alertmanager", exchange -> {
      try (InputStream body = exchange.getRequestBody()) {
        JsonNode payload = mapper.readTree(body);
        for (JsonNode a : payload.path("alerts")) {
          JsonNode labels = a.path("labels");
          notified.add(new Notified(a.path("status").asText(), labels.path("alertname").asText(),
              labels.path("run_id").asText(), labels.path("gpu_uuid").asText(), a));
        }
        exchange.sendResponseHeaders(200, -1);
      } catch (IOException e) {
        exchange.sendResponseHeaders(400, -1);
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/alertmanager";
  }

  List<Notified> notified() {
    return List.copyOf(notified);
  }

  boolean saw(String status, String alertName, String gpuUuid) {
    return notified.stream()
        .anyMatch(n -> n.status().equals(status) && n.alertName().equals(alertName) && n.gpuUuid().equals(gpuUuid));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
