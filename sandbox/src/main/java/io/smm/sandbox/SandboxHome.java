package io.smm.sandbox;

import java.nio.file.Path;

/** Paths under $SMM_HOME/sandbox (SMM_HOME defaults to ~/.smm). */
public record SandboxHome(Path root) {

  public static SandboxHome fromEnvironment() {
    String smmHome = System.getenv("SMM_HOME");
    Path home = smmHome != null && !smmHome.isBlank() ? Path.of(smmHome) : Path.of(System.getProperty("user.home"), ".smm");
    return new SandboxHome(home.resolve("sandbox"));
  }

  public Path kubeconfig() {
    return root.resolve("kubeconfig");
  }

  public Path stateFile() {
    return root.resolve("state.json");
  }

  /** The API server's objects (snapshot and write-ahead log), kept from one `sandbox up` to the next. */
  public Path clusterStore() {
    return root.resolve("cluster");
  }

  /** istiod's CA (root certificate and key), kept with the cluster from one `sandbox up` to the next. */
  public Path meshCa() {
    return root.resolve("istio-ca");
  }

  public Path prometheusDir() {
    return root.resolve("prometheus");
  }

  public Path alertmanagerDir() {
    return root.resolve("alertmanager");
  }

  public Path zipkinDir() {
    return root.resolve("zipkin");
  }
}
