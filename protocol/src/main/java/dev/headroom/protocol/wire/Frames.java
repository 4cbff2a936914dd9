package dev.headroom.protocol.wire;

import dev.headroom.protocol.wire.pb.Ack;
import dev.headroom.protocol.wire.pb.Error;
import dev.headroom.protocol.wire.pb.Frame;
import dev.headroom.protocol.wire.pb.Hello;
import dev.headroom.protocol.wire.pb.HelloAck;
import java.util.Optional;

/** Builds the control frames and checks a hello; the one place that knows their rules. */
public final class Frames {

  private Frames() {}

  /** The hello an agent sends first, with this build's magic and protocol version. */
  public static Frame hello(String agentId, String bootId, String hostname, String agentVersion, String token) {
    return Frame.newBuilder()
        .setHello(
            Hello.newBuilder()
                .setMagic(ProtocolVersion.HELLO_MAGIC)
                .setProtocolVersion(ProtocolVersion.CURRENT)
                .setAgentId(agentId)
                .setBootId(bootId)
                .setHostname(hostname)
                .setAgentVersion(agentVersion)
                .setToken(token))
        .build();
  }

  public static Frame helloAck(long lastSequence, String collectorVersion) {
    return Frame.newBuilder()
        .setHelloAck(
            HelloAck.newBuilder()
                .setProtocolVersion(ProtocolVersion.CURRENT)
                .setLastSequence(lastSequence)
                .setCollectorVersion(collectorVersion))
        .build();
  }

  public static Frame ack(long sequence) {
    return Frame.newBuilder().setAck(Ack.newBuilder().setSequence(sequence)).build();
  }

  public static Frame error(Error.Code code, String message) {
    return Frame.newBuilder().setError(Error.newBuilder().setCode(code).setMessage(message)).build();
  }

  public static Frame observation(long sequence, dev.headroom.analyzer.model.Observation observation) {
    return Frame.newBuilder().setObservation(ObservationMapping.toFrame(sequence, observation)).build();
  }

  /**
   * Why a hello must be refused, or empty when it is acceptable. {@code expectedToken} empty means
   * the collector runs without a token (loopback tests, trusted networks). Token comparison takes
   * the same time wherever the first difference is, so it leaks nothing by timing.
   */
  public static Optional<Error> refusal(Hello hello, String expectedToken) {
    if (hello.getMagic() != ProtocolVersion.HELLO_MAGIC) {
      return Optional.of(errorOf(Error.Code.MALFORMED_FRAME,
          "hello magic is 0x" + Integer.toHexString(hello.getMagic()) + ", expected 0x"
              + Integer.toHexString(ProtocolVersion.HELLO_MAGIC) + " (not a headroom agent?)"));
    }
    if (hello.getProtocolVersion() != ProtocolVersion.CURRENT) {
      return Optional.of(errorOf(Error.Code.UNSUPPORTED_VERSION,
          "agent speaks protocol version " + hello.getProtocolVersion() + ", this collector speaks "
              + ProtocolVersion.CURRENT));
    }
    if (hello.getAgentId().isBlank() || hello.getBootId().isBlank()) {
      return Optional.of(errorOf(Error.Code.MALFORMED_FRAME, "hello without agent_id or boot_id"));
    }
    if (!expectedToken.isEmpty() && !constantTimeEquals(expectedToken, hello.getToken())) {
      return Optional.of(errorOf(Error.Code.BAD_TOKEN,
          "agent " + hello.getAgentId() + " sent " + (hello.getToken().isEmpty() ? "no token" : "a wrong token")));
    }
    return Optional.empty();
  }

  private static Error errorOf(Error.Code code, String message) {
    return Error.newBuilder().setCode(code).setMessage(message).build();
  }

  private static boolean constantTimeEquals(String a, String b) {
    return java.security.MessageDigest.isEqual(
        a.getBytes(java.nio.charset.StandardCharsets.UTF_8), b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
