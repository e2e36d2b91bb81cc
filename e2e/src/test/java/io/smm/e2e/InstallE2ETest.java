package io.smm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `smm install`, `reconcile` and `uninstall` as a user runs them against the sandbox. */
class InstallE2ETest {

  @Test
  void installReconcileDumpAndUninstallThroughBinSmm(@TempDir Path smmHome) throws Exception {
    Map<String, String> env = Map.of("SMM_HOME", smmHome.toString());
    SmmProcess up = SmmProcess.start(env, "sandbox", "up", "--port", Integer.toString(SandboxE2ETest.freePort()));
    try {
      up.awaitLine("Dashboard: ", Duration.ofMinutes(2));
      String kubeconfig = smmHome.resolve("sandbox/kubeconfig").toString();

      SmmProcess.Result install = SmmProcess.run(env, "-c", kubeconfig, "install", "-a");
      assertThat(install.exitCode()).as(install.output()).isZero();
      assertThat(install.output()).contains("[ 6/18] istio-control-plane  available").contains("IstioControlPlane Available")
          .containsPattern("Succeeded in [0-9.]+s: 13 components available, 5 removed");

      SmmProcess.Result again = SmmProcess.run(env, "-c", kubeconfig, "install", "-a");
      assertThat(again.output()).as("an unchanged install writes nothing").contains(", 0 writes;");

      // A ControlPlane file with a typo is refused with the field path, before any write.
      Path bad = smmHome.resolve("cp.yaml");
      Files.writeString(bad, """
          apiVersion: smm.cisco.com/v1alpha1
          kind: ControlPlane
          metadata: {name: smm}
          spec:
            smm:
              tracing: {enabeld: false}
          """);
      SmmProcess.Result refused = SmmProcess.run(env, "-c", kubeconfig, "reconcile", "--from-file", bad.toString());
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.output()).isEqualTo("Error: " + bad + " is invalid: .spec.smm.tracing.enabeld: unknown field"
          + " (did you mean \"enabled\"?)");

      Files.writeString(bad, Files.readString(bad).replace("enabeld", "enabled"));
      SmmProcess.Result reconciled = SmmProcess.run(env, "-c", kubeconfig, "reconcile", "--from-file", bad.toString());
      assertThat(reconciled.exitCode()).as(reconciled.output()).isZero();
      assertThat(reconciled.output()).contains("tracing              removed (0 created, 0 updated, 3 deleted)");

      String kubectl = SandboxE2ETest.findOnPath("kubectl");
      if (kubectl == null) {
        System.out.println("SKIPPED kubectl apply --dry-run=client check: kubectl is not on PATH");
      } else {
        SmmProcess.Result dump = SmmProcess.run(env, "-c", kubeconfig, "install", "--dump-resources");
        assertThat(dump.exitCode()).isZero();
        Path manifest = smmHome.resolve("dump.yaml");
        Files.writeString(manifest, dump.output());
        Process p = new ProcessBuilder(kubectl, "--kubeconfig", kubeconfig, "apply", "--dry-run=client", "-f", manifest.toString())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("istiocontrolplane.servicemesh.cisco.com/cp-v115x").contains("deployment.apps/smm");
      }

      // Day-2 commands of the seed.
      SmmProcess.Result noNamespace = SmmProcess.run(env, "-c", kubeconfig, "sidecar-proxy", "auto-inject", "on", "shop");
      assertThat(noNamespace.exitCode()).isEqualTo(1);
      assertThat(noNamespace.output()).isEqualTo("Error: there is no namespace shop");
      SmmProcess.Result policy = SmmProcess.run(env, "-c", kubeconfig, "istio", "outbound-traffic-policy", "restricted");
      assertThat(policy.exitCode()).as(policy.output()).isZero();
      assertThat(policy.output()).endsWith("mesh wide outbound traffic policy is set to 'REGISTRY_ONLY'");
      SmmProcess.Result status = SmmProcess.run(env, "-c", kubeconfig, "istio", "cluster", "status");
      // The manual tells users to wait for Available; the output is the two tables and nothing else (no logs).
      assertThat(status.output()).containsPattern("(?m)^\\S+ +local +Available ");
      assertThat(status.output().lines().filter(l -> !l.isBlank()))
          .allMatch(l -> l.matches("(Clusters|ControlPlanes|NAME .*|CLUSTER .*|\\S+ +local .*|\\S+ +cp-v115x .*)"), "a table line");
      // cluster, name, namespace, version, mode, network, gateway address (once the control plane reported it), revision, status
      assertThat(status.output()).containsPattern(
          "cp-v115x +istio-system +1\\.15\\.3 +ACTIVE +network1 +(127\\.\\S+|-) +cp-v115x\\.istio-system +Available");
      SmmProcess.Result delete = SmmProcess.run(env, "-c", kubeconfig, "istio", "control-plane", "delete", "cp-v115x");
      assertThat(delete.exitCode()).isEqualTo(1);
      assertThat(delete.output()).contains("is the control plane of ControlPlane smm");

      SmmProcess.Result uninstall = SmmProcess.run(env, "-c", kubeconfig, "uninstall", "-a");
      assertThat(uninstall.exitCode()).as(uninstall.output()).isZero();
      assertThat(uninstall.output()).contains("namespaces           removed");
    } finally {
      SmmProcess.run(env, "sandbox", "down");
      if (up.process.isAlive()) {
        up.process.destroyForcibly();
      }
    }
  }
}
