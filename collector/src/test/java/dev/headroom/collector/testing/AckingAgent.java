package dev.headroom.collector.testing;

import com.google.protobuf.CodedInputStream;
import dev.headroom.analyzer.model.Observation;
import dev.headroom.protocol.wire.Frames;
import dev.headroom.protocol.wire.pb.Frame;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A blocking agent for collector tests: hello, observation frames, and the acks that come back. */
public final class AckingAgent implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** Connects and says hello; {@link #resumeAfter()} is what the collector already has. */
  public AckingAgent(InetSocketAddress address, String agentId, String bootId, String hostname) throws IOException {
    socket = new Socket();
    socket.connect(address, 5_000);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = new BufferedOutputStream(socket.getOutputStream());
    Frames.hello(agentId, bootId, hostname, "test", "").writeDelimitedTo(out);
    out.flush();
    Frame ack = read();
    if (ack == null || !ack.hasHelloAck()) {
      throw new IOException("expected a hello-ack, got " + ack);
    }
    resumeAfter = ack.getHelloAck().getLastSequence();
  }

  private final long resumeAfter;

  public long resumeAfter() {
    return resumeAfter;
  }

  public void send(long sequence, Observation observation) throws IOException {
    Frames.observation(sequence, observation).writeDelimitedTo(out);
    out.flush();
  }

  /** The next ack's sequence, or -1 when the collector went away. */
  public long nextAck() {
    try {
      while (true) {
        Frame f = read();
        if (f == null) {
          return -1;
        }
        if (f.hasAck()) {
          return f.getAck().getSequence();
        }
      }
    } catch (IOException e) {
      return -1;
    }
  }

  private Frame read() throws IOException {
    int first = in.read();
    if (first < 0) {
      return null;
    }
    int length = CodedInputStream.readRawVarint32(first, in);
    return Frame.parseFrom(in.readNBytes(length));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
