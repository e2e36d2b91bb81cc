package io.smm.sandbox.kube;

import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.NamedClusterBuilder;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.api.model.NamedAuthInfoBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The kubeconfig the sandbox writes so that kubectl and `smm -c` reach its API server. */
public final class Kubeconfig {

  public static final String CLUSTER = "smm-sandbox";
  public static final String CONTEXT = "smm-sandbox";
  static final String USER = "sandbox-admin";
  /** The admin's bearer token; with RBAC, the API server knows it as a member of system:masters. */
  public static final String TOKEN = "sandbox-admin-token";

  private Kubeconfig() {}

  public static String yaml(String serverUrl) {
    return Serialization.asYaml(new ConfigBuilder()
        .withApiVersion("v1").withKind("Config")
        // The sandbox's certificate is self-signed anew on every start, for 127.0.0.1 only.
        .addToClusters(new NamedClusterBuilder().withName(CLUSTER).withNewCluster().withServer(serverUrl)
            .withInsecureSkipTlsVerify(serverUrl.startsWith("https:") ? Boolean.TRUE : null).endCluster().build())
        .addToUsers(new NamedAuthInfoBuilder().withName(USER).withNewUser().withToken(TOKEN).endUser().build())
        .addToContexts(new NamedContextBuilder().withName(CONTEXT)
            .withNewContext().withCluster(CLUSTER).withUser(USER).withNamespace("default").endContext().build())
        .withCurrentContext(CONTEXT)
        .build());
  }

  /** Writes atomically, readable by the owner only (it holds a token). */
  public static void write(Path file, String serverUrl) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, yaml(serverUrl));
      tmp.toFile().setReadable(false, false);
      tmp.toFile().setReadable(true, true);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write kubeconfig " + file, e);
    }
  }

  static Config clientConfig(String serverUrl) {
    return Config.fromKubeconfig(CONTEXT, yaml(serverUrl), null);
  }
}
