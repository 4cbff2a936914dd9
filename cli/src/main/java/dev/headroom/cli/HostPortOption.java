package dev.headroom.cli;

import dev.headroom.collector.CollectorConfig;
import java.net.InetSocketAddress;

/**
 * A {@code HOST:PORT} option value ({@code collector --listen/--http}, {@code agent --collector}).
 * The last colon splits, so an IPv6 host works in brackets ({@code [::1]:9475}); the brackets are
 * dropped. The host is resolved now when possible (clearer logs); a name that does not resolve yet
 * stays unresolved, and the agent's shipper retries it with backoff as for a collector that is down.
 */
final class HostPortOption {
  private HostPortOption() {}

  /** A local address to bind: port 0 asks for any free port. */
  static InetSocketAddress listen(String option, String value) {
    return parse(option, value, 0, " (e.g. 127.0.0.1:" + CollectorConfig.DEFAULT_INGEST_PORT + ")");
  }

  /** A peer to connect to, where port 0 would name no one. */
  static InetSocketAddress peer(String option, String value) {
    return parse(option, value, 1, "");
  }

  private static InetSocketAddress parse(String option, String value, int lowestPort, String example) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new UserInputException(option + " '" + value + "' is not HOST:PORT" + example);
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String portText = value.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new UserInputException(option + " '" + value + "': port '" + portText + "' is not a number");
    }
    if (port < lowestPort || port > 65535) {
      throw new UserInputException(option + " '" + value + "': port must be " + lowestPort + "-65535");
    }
    return new InetSocketAddress(host, port);
  }
}
