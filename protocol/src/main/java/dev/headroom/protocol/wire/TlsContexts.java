package dev.headroom.protocol.wire;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS contexts for both ends from PEM files (the form cert-manager, Vault and openssl hand out), or
 * from JDK key/trust managers. The client checks the collector's certificate against the given CA
 * and its host name against the certificate.
 */
public final class TlsContexts {

  /** A certificate or key file that cannot be used; the message names the file. */
  public static final class TlsSetupException extends Exception {
    private static final long serialVersionUID = 1L;

    TlsSetupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private TlsContexts() {}

  /** The collector's side: its certificate chain and unencrypted PKCS#8 private key, both PEM. */
  public static SslContext server(Path certificateChainPem, Path privateKeyPem) throws TlsSetupException {
    requireReadable(certificateChainPem, "certificate");
    requireReadable(privateKeyPem, "private key");
    try {
      return SslContextBuilder.forServer(certificateChainPem.toFile(), privateKeyPem.toFile()).build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new TlsSetupException("TLS certificate " + certificateChainPem + " or key " + privateKeyPem
          + " unusable: " + e.getMessage(), e);
    }
  }

  /** The agent's side: trust the CA in {@code caPem}, or the JDK's default CAs when empty. */
  public static SslContext client(Optional<Path> caPem) throws TlsSetupException {
    try {
      SslContextBuilder b = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
      if (caPem.isPresent()) {
        requireReadable(caPem.get(), "CA certificate");
        b.trustManager(caPem.get().toFile());
      }
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new TlsSetupException("TLS CA certificate " + caPem.map(Path::toString).orElse("(JDK default)")
          + " unusable: " + e.getMessage(), e);
    }
  }

  /** A server context from a JDK key manager (e.g. a PKCS#12 keystore). */
  public static SslContext server(KeyManagerFactory keys) throws SSLException {
    return SslContextBuilder.forServer(keys).build();
  }

  /** A client context from a JDK trust manager, checking the host name. */
  public static SslContext client(TrustManagerFactory trust) throws SSLException {
    return SslContextBuilder.forClient().trustManager(trust).endpointIdentificationAlgorithm("HTTPS").build();
  }

  private static void requireReadable(Path file, String what) throws TlsSetupException {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new TlsSetupException("TLS " + what + " file " + file + " does not exist or is not readable",
          new IOException(file.toString()));
    }
  }
}
