package dev.headroom.collector.alert;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/** A real HTTP server on a free loopback port that records POST bodies and answers a scripted status. */
final class TestReceiver implements AutoCloseable {
  final BlockingQueue<String> bodies = new LinkedBlockingQueue<>();
  final AtomicInteger requests = new AtomicInteger();
  private final HttpServer server;
  private volatile IntSupplier status = () -> 200;

  TestReceiver() throws IOException {
    this(0);
  }

  /** @param port 0 for any free port */
  TestReceiver(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/hook", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        requests.incrementAndGet();
        int code = status.getAsInt();
        if (code / 100 == 2) {
          bodies.add(body);
        }
        exchange.sendResponseHeaders(code, -1);
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  void answer(IntSupplier statusPerRequest) {
    this.status = statusPerRequest;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  /** The next body received, waiting at most {@code timeout}; null when none came. */
  String next(Duration timeout) throws InterruptedException {
    return bodies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  List<String> drained() {
    return List.copyOf(bodies);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
