package io.smm.sandbox.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.smm.sandbox.DaemonThreads;
import io.smm.sandbox.kube.storage.ClusterStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The sandbox's stand-in for kube-apiserver: fabric8's CRUD mock server on 127.0.0.1 (plain
 * HTTP), behind {@link SandboxDispatcher} for discovery, /scale, optimistic concurrency and,
 * when started with RBAC, authentication, impersonation and authorization ({@link AccessControl}).
 */
public class EmbeddedApiServer implements AutoCloseable {

  static final String KUBERNETES_VERSION = "v1.32.0-smm-sandbox";

  // JUL loggers are weakly referenced: keep it, or the level set here is lost. The mock logs every
  // request at INFO, which would flood the sandbox's output.
  private final Logger mockLogger = Logger.getLogger(MockWebServer.class.getName());
  private final KubernetesMockServer server;
  private final ScheduledExecutorService drain = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sandbox-api-drain"));
  private final int port;
  private final SandboxDispatcher dispatcher;

  private final AccessControl access;
  private final boolean https;

  private final ClusterStore store;

  private EmbeddedApiServer(int port, boolean rbac, ClusterStore store) {
    mockLogger.setLevel(Level.WARNING);
    VersionInfo version = new VersionInfo.Builder().withMajor("1").withMinor("32").withGitVersion(KUBERNETES_VERSION)
        .withPlatform(System.getProperty("os.name").toLowerCase() + "/" + System.getProperty("os.arch"))
        .withGoVersion("n/a (sandbox)").build();
    this.store = store;
    this.port = port;
    MockWebServer web = new MockWebServer();
    if (rbac) {
      StaticTokens tokens = new StaticTokens();
      tokens.add(Kubeconfig.TOKEN, Kubeconfig.USER, "system:masters");
      access = new AccessControl(tokens, new RbacAuthorizer(path -> RbacAuthorizer.items(SandboxDispatcher.stored(store, path))),
          token -> ServiceAccountTokens.owner(SandboxDispatcher.stored(store, "/api/v1/secrets"), token));
    } else {
      access = null;
    }
    dispatcher = new SandboxDispatcher(store, version, "127.0.0.1:" + port, access);
    // With authentication, TLS as well: kubectl sends bearer tokens only over HTTPS.
    this.https = rbac;
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), web, new HashMap<>(), dispatcher, rbac);
  }

  /**
   * Starts on 127.0.0.1.
   *
   * @param port the port, or 0 for a free one
   * @throws PortInUseException when the port is taken
   */
  public static EmbeddedApiServer start(int port) {
    return start(port, false, ClusterStore.inMemory());
  }

  /** Like {@link #start(int)}, keeping its objects in {@code store} (e.g. one on disk). */
  public static EmbeddedApiServer start(int port, ClusterStore store) {
    return start(port, false, store);
  }

  /**
   * Starts on 127.0.0.1 with authentication and RBAC, as kube-apiserver with
   * --authorization-mode=RBAC: the kubeconfig's token is the cluster admin (system:masters), other
   * users get tokens through {@link #tokens()}.
   */
  public static EmbeddedApiServer startWithRbac(int port) {
    return start(port, true, ClusterStore.inMemory());
  }

  /** Like {@link #startWithRbac(int)}, keeping its objects in {@code store}. */
  public static EmbeddedApiServer startWithRbac(int port, ClusterStore store) {
    return start(port, true, store);
  }

  private static EmbeddedApiServer start(int port, boolean rbac, ClusterStore store) {
    int chosen = port == 0 ? freePort() : port;
    EmbeddedApiServer api = new EmbeddedApiServer(chosen, rbac, store);
    try {
      api.server.init(InetAddress.getLoopbackAddress(), chosen);
    } catch (RuntimeException e) {
      api.drain.shutdownNow();
      store.close();
      throw new PortInUseException("Kubernetes API", chosen, e);
    }
    // The mock records every request in an unbounded queue for tests to inspect; a long-running
    // sandbox must not keep them.
    api.drain.scheduleWithFixedDelay(api::dropRecordedRequests, 1, 1, TimeUnit.SECONDS);
    return api;
  }

  private void dropRecordedRequests() {
    try {
      while (server.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
        // discard
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Serves pods/{name}/log (kubectl logs) from {@code source}. */
  public void podLogs(PodLogs source) {
    dispatcher.podLogs(source);
  }

  public void podProxy(PodProxy target) {
    dispatcher.podProxy(target);
  }

  /** All requests served so far (reads and writes). */
  public long requests() {
    return dispatcher.requests();
  }

  /** Write requests (POST, PUT, PATCH, DELETE) served so far; tests use it to prove a no-op is a no-op. */
  public long writeRequests() {
    return dispatcher.writes();
  }

  /** Fault injection for tests: the n-th write request from now (1-based) is answered 500, once. */
  public void failWrite(long n) {
    dispatcher.failWrite(n);
  }

  public String url() {
    return (https ? "https" : "http") + "://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** A fabric8 client configured exactly like one built from the kubeconfig this sandbox writes. */
  public KubernetesClient newClient() {
    Config config = Kubeconfig.clientConfig(url());
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The bearer tokens this server accepts (RBAC mode only). */
  public StaticTokens tokens() {
    if (access == null) {
      throw new IllegalStateException("this API server authorizes everything; start it with startWithRbac");
    }
    return access.tokens();
  }

  /** A client that authenticates with {@code token} instead of the admin's. */
  public KubernetesClient newClient(String token) {
    Config config = Kubeconfig.clientConfig(url());
    config.setOauthToken(token);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @Override
  public void close() {
    drain.shutdownNow();
    server.destroy();
    store.close();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
