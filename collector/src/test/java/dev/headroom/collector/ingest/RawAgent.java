package dev.headroom.collector.ingest;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.headroom.protocol.wire.pb.Frame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** A blocking, hand-driven agent for tests: writes exactly the bytes it is told to. */
final class RawAgent implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;

  RawAgent(InetSocketAddress address) throws IOException {
    socket = new Socket();
    socket.connect(address, 2_000);
    socket.setSoTimeout(5_000);
    in = socket.getInputStream();
  }

  void send(Frame... frames) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (Frame f : frames) {
      f.writeDelimitedTo(bytes);
    }
    sendBytes(bytes.toByteArray());
  }

  void sendBytes(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** The next frame, or null when the collector closed the connection. */
  Frame read() throws IOException {
    int first = in.read();
    if (first < 0) {
      return null;
    }
    int length = CodedInputStream.readRawVarint32(first, in);
    byte[] payload = in.readNBytes(length);
    return Frame.parseFrom(payload);
  }

  /** Reads frames until an ack for {@code sequence} (or a later one) arrives. */
  long awaitAck(long sequence) throws IOException {
    while (true) {
      Frame f = read();
      if (f == null) {
        throw new IOException("closed before ack " + sequence);
      }
      if (f.hasAck() && f.getAck().getSequence() >= sequence) {
        return f.getAck().getSequence();
      }
    }
  }

  /** True when the collector closed the connection (after any frames still in flight). */
  boolean closedByPeer() throws IOException {
    try {
      while (true) {
        if (read() == null) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  static byte[] varint(int value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeUInt32NoTag(value);
    out.flush();
    return bytes.toByteArray();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
