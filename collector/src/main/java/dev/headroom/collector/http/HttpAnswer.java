package dev.headroom.collector.http;

import java.nio.charset.StandardCharsets;

/** A complete HTTP answer: status, content type and body. */
record HttpAnswer(int status, String contentType, byte[] body) {
  static HttpAnswer text(int status, String text) {
    return new HttpAnswer(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  static HttpAnswer html(String html) {
    return new HttpAnswer(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  static HttpAnswer json(String json) {
    return new HttpAnswer(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  static HttpAnswer notFound(String what) {
    return text(404, "not found: " + what + "\n");
  }
}
