package dev.headroom.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.collector.ObservationListener;
import dev.headroom.collector.ingest.InMemoryDeliveryLedger;
import dev.headroom.collector.ingest.IngestConfig;
import dev.headroom.collector.ingest.IngestServer;
import dev.headroom.protocol.wire.TlsContexts;
import io.netty.handler.ssl.SslContext;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shipping over TLS with a self-signed certificate made by the JDK's keytool for this test. */
class ShipperTlsTest {

  @TempDir static Path keys;
  static Path certPem;
  static Path keyPem;

  @TempDir Path dir;
  private final List<Long> delivered = new CopyOnWriteArrayList<>();
  private final ObservationListener listener = (from, seq, obs) -> delivered.add(seq);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void makeSelfSignedCertificate() throws Exception {
    Path store = keys.resolve("collector.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "collector", "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost",
        "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("keytool: " + out).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(store.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    PrivateKey key = (PrivateKey) ks.getKey("collector", "changeit".toCharArray());
    Certificate cert = ks.getCertificate("collector");
    certPem = Files.writeString(keys.resolve("collector.crt"), pem("CERTIFICATE", cert.getEncoded()));
    keyPem = Files.writeString(keys.resolve("collector.key"), pem("PRIVATE KEY", key.getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private IngestServer tlsCollector() throws Exception {
    IngestServer server = IngestServer.start(
        IngestConfig.loopback(0).withToken("tok").withTls(TlsContexts.server(certPem, keyPem)),
        listener, new InMemoryDeliveryLedger(), 1);
    toClose.add(server::close);
    return server;
  }

  private Shipper shipper(IngestServer server, Optional<SslContext> tls) throws Exception {
    ShipperConfig c = ShipperConfig.of(List.of(server.address()), "agent-tls", "boot-1", "node-1", "0.1.0",
        dir.resolve("buffer")).withToken("tok").withBackoff(Duration.ofMillis(5), Duration.ofMillis(50));
    if (tls.isPresent()) {
      c = c.withTls(tls.get());
    }
    Shipper s = Shipper.start(c, InstantSource.fixed(SimulatedRun.START), RandomGenerator.of("L64X128MixRandom"));
    toClose.add(s);
    return s;
  }

  @Test
  void framesArriveOverTlsWhenTheAgentTrustsTheCollectorsCertificate() throws Exception {
    IngestServer server = tlsCollector();
    Shipper shipper = shipper(server, Optional.of(TlsContexts.client(Optional.of(certPem))));

    for (int t = 0; t < 10; t++) {
      SimulatedRun.second(t, 2).forEach(shipper::accept);
    }

    assertThat(shipper.flush(Duration.ofSeconds(20))).isTrue();
    assertThat(delivered).hasSize((int) shipper.lastSequence());
  }

  @Test
  void aPlainTextAgentIsRefusedByATlsCollector() throws Exception {
    IngestServer server = tlsCollector();
    Shipper shipper = shipper(server, Optional.empty());
    SimulatedRun.second(0, 1).forEach(shipper::accept);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (server.counters().refusedMalformed() < 1 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }

    assertThat(server.counters().refusedMalformed()).isPositive();
    assertThat(delivered).isEmpty();
  }

  @Test
  void anAgentThatDoesNotTrustTheCertificateSendsNothing() throws Exception {
    IngestServer server = tlsCollector();
    Shipper shipper = shipper(server, Optional.of(TlsContexts.client(Optional.empty())));
    SimulatedRun.second(0, 1).forEach(shipper::accept);

    assertThat(shipper.flush(Duration.ofMillis(500))).isFalse();
    assertThat(delivered).isEmpty();
    assertThat(shipper.acknowledgedSequence()).isZero();
  }

  @Test
  void missingCertificateFileIsNamed() {
    Path nowhere = keys.resolve("missing.crt");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TlsContexts.server(nowhere, keyPem))
        .isInstanceOf(TlsContexts.TlsSetupException.class)
        .hasMessageContaining(nowhere.toString());
  }
}
