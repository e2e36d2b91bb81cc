package io.smm.sandbox.testing;

import io.smm.sandbox.istiod.MeshCa;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Let's Encrypt's own test ACME server (Debian's `pebble` package), for tests: pebble on 127.0.0.1
 * with a listener certificate from a CA of ours ({@link #listenerCa}), resolving every name to
 * 127.0.0.1 through pebble-challtestsrv's DNS, and validating HTTP-01 challenges on {@code httpPort}
 * (where a test's gateway serves port 80). Pebble signs with a root it makes at start ({@link #root}).
 */
public final class Pebble implements AutoCloseable {

  private final List<Process> processes = new ArrayList<>();
  private final MeshCa listenerCa = MeshCa.create("pebble-listener");
  private final int port = freePort();
  private final int managementPort = freePort();
  private final HttpClient http;

  private Pebble(Path dir, int httpPort) throws Exception {
    String pebble = onPath("pebble");
    String challtestsrv = onPath("pebble-challtestsrv");
    MeshCa.Workload listener = listenerCa.issue("pebble", "pebble", "localhost");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Files.writeString(cert, Pem.certificate(listener.certificate()));
    Files.writeString(key, Pem.privateKey(listener.key()));
    int dnsPort = freePort();
    Path config = dir.resolve("pebble-config.json");
    Files.writeString(config, """
        {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
          "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d, "ocspResponderURL": "",
          "externalAccountBindingRequired": false}}
        """.formatted(port, managementPort, cert, key, httpPort, freePort()));
    processes.add(new ProcessBuilder(challtestsrv, "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-dns01", "127.0.0.1:" + dnsPort,
        "-http01", "", "-https01", "", "-tlsalpn01", "", "-management", "127.0.0.1:" + freePort())
        .redirectErrorStream(true).redirectOutput(dir.resolve("challtestsrv.log").toFile()).start());
    ProcessBuilder server = new ProcessBuilder(pebble, "-config", config.toString(), "-dnsserver", "127.0.0.1:" + dnsPort)
        .redirectErrorStream(true).redirectOutput(dir.resolve("pebble.log").toFile());
    server.environment().put("PEBBLE_VA_NOSLEEP", "1"); // validate at once instead of after a random sleep
    server.environment().put("PEBBLE_WFE_NONCEREJECT", "0"); // no deliberately refused nonces
    processes.add(server.start());
    http = HttpClient.newBuilder().sslContext(trusting(listenerCa.root())).connectTimeout(Duration.ofSeconds(5)).build();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(directory())).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        if (!Instant.now().isBefore(deadline)) {
          throw new IllegalStateException("pebble did not start; see " + dir.resolve("pebble.log") + ": "
              + Files.readString(dir.resolve("pebble.log")), notYet);
        }
      }
      Thread.sleep(100);
    }
  }

  /** Starts pebble and its DNS; {@code httpPort} is where it sends HTTP-01 validation requests. */
  public static Pebble start(Path dir, int httpPort) throws Exception {
    return new Pebble(dir, httpPort);
  }

  /** The ACME directory URL, as an Issuer's spec.acme.server. */
  public String directory() {
    return "https://localhost:" + port + "/dir";
  }

  /** The CA of the ACME listener's certificate, which an ACME client must trust. */
  public X509Certificate listenerCa() {
    return listenerCa.root();
  }

  /** The root pebble signs issued certificates with (its management API, /roots/0). */
  public X509Certificate root() throws Exception {
    String pem = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + managementPort + "/roots/0")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
  }

  /** A TLS context trusting only {@code root}. */
  public static SSLContext trusting(X509Certificate root) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("root", root);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String onPath(String binary) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, binary))) {
        return Path.of(dir, binary).toString();
      }
    }
    throw new IllegalStateException(binary + " is not on PATH: install Debian's pebble package (scripts/setup does)");
  }

  @Override
  public void close() {
    processes.forEach(Process::destroy);
    for (Process p : processes) {
      try {
        p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      p.destroyForcibly();
    }
  }
}
