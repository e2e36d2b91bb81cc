package io.smm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `smm` with a kubeconfig it cannot use: one clear line on stderr and exit code 1. */
class KubeAccessErrorsTest {

  record Result(int exitCode, String err) {}

  static Result run(String... args) {
    StringWriter err = new StringWriter();
    int code = Smm.execute(new PrintWriter(err, true), args);
    return new Result(code, err.toString());
  }

  @Test
  void missingKubeconfig(@TempDir Path dir) {
    Path missing = dir.resolve("nope/config");
    Result r = run("-c", missing.toString(), "server", "--port", "0");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("Error: cannot read kubeconfig " + missing + ": " + missing + System.lineSeparator());
  }

  @Test
  void dumpResourcesNeedsNoClusterOnlyAClusterName(@TempDir Path dir) {
    Path missing = dir.resolve("nope/config");
    Result withoutName = run("-c", missing.toString(), "install", "--dump-resources");
    assertThat(withoutName.exitCode()).isEqualTo(1);
    assertThat(withoutName.err()).contains("--dump-resources needs no cluster: name it with --cluster-name");
    PrintStream out = System.out;
    ByteArrayOutputStream dump = new ByteArrayOutputStream();
    System.setOut(new PrintStream(dump, true, StandardCharsets.UTF_8));
    try {
      assertThat(run("-c", missing.toString(), "install", "--dump-resources", "--cluster-name", "demo_1",
          "--image-repository", "registry.example.com/platform").exitCode()).isZero();
    } finally {
      System.setOut(out);
    }
    assertThat(dump.toString(StandardCharsets.UTF_8)).contains("clusterName: \"demo-1\"")
        .contains("name: \"istiod-cp-v115x\"").contains("image: \"registry.example.com/platform/smm:");
  }

  @Test
  void verboseAddsTheStackTraceBehindTheSameOneLineError(@TempDir Path dir) {
    Path missing = dir.resolve("nope/config");
    Result quiet = run("-c", missing.toString(), "istio", "cluster", "status");
    Result verbose = run("-c", missing.toString(), "istio", "cluster", "status", "-v");
    assertThat(quiet.err()).hasLineCount(1).doesNotContain("\tat ");
    assertThat(verbose.exitCode()).isEqualTo(1);
    assertThat(verbose.err()).contains("CliException").contains("\tat io.smm.cli.")
        .endsWith("Error: cannot read kubeconfig " + missing + ": " + missing + System.lineSeparator());
  }

  @Test
  void onlyTheLongRunningRolesLogUnlessVerbose() {
    assertThat(LogLevels.subcommand("-c", "sandbox", "istio", "cluster", "status")).isEqualTo("istio");
    assertThat(LogLevels.subcommand("--context", "x", "sandbox", "up")).isEqualTo("sandbox");
    assertThat(LogLevels.verbose("install", "-a", "--verbose")).isTrue();
    assertThat(LogLevels.verbose("install", "-a")).isFalse();
  }

  @Test
  void kubeconfigThatIsNotYaml(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("config");
    Files.writeString(bad, "clusters: [this is: not: yaml");
    Result r = run("--kubeconfig", bad.toString(), "server", "--port", "0");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("Error: cannot use kubeconfig " + bad).hasLineCount(1);
  }

  @Test
  void unreachableApiServer(@TempDir Path dir) throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Path config = dir.resolve("config");
    Files.writeString(config, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: gone
          cluster: {server: "http://127.0.0.1:%d"}
        users:
        - name: u
          user: {token: t}
        contexts:
        - name: gone
          context: {cluster: gone, user: u}
        current-context: gone
        """.formatted(closedPort));
    Result r = run("-c", config.toString(), "server", "--port", "0");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("Error: cannot reach the Kubernetes API server at http://127.0.0.1:" + closedPort)
        .hasLineCount(1);
  }
}
