package dev.headroom.collector.http;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Run ids and GPU UUIDs as URL path segments (run ids can hold ':', '/', spaces). */
final class Paths {
  private Paths() {}

  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String decode(String segment) {
    return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  static String runPage(String runId) {
    return "/runs/" + segment(runId);
  }

  static String chart(String runId, String uuid, String extension) {
    return "/charts/" + segment(runId) + "/" + segment(uuid) + "." + extension;
  }
}
