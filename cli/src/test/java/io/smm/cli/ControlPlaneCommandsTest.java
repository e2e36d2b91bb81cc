package io.smm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.sandbox.kube.Kubeconfig;
import io.smm.sandbox.testing.InProcessCluster;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that change an installed ControlPlane in place, run as `smm` against the sandbox's
 * API server and kubelet: `smm config get|edit` (with a scripted $EDITOR), `smm registry
 * add|list|remove|reconcile` and the interactive install's questions.
 */
class ControlPlaneCommandsTest {

  InProcessCluster cluster;
  KubernetesClient client;
  Path kubeconfig;
  Path dir;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    cluster = InProcessCluster.withKubelet();
    client = cluster.client;
    kubeconfig = dir.resolve("kubeconfig");
    Kubeconfig.write(kubeconfig, cluster.api.url());
    CliRun.Output install = smm(null, "install", "-a", "--cluster-name", "primary", "--timeout", "60");
    assertThat(install.code()).as(install.out()).isZero();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  CliRun.Output smm(String stdin, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "-c";
    all[1] = kubeconfig.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return CliRun.run(stdin, all);
  }

  JsonNode spec() {
    GenericKubernetesResource cp = client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind())
        .withName("smm").get();
    return Serialization.jsonMapper().valueToTree(cp.getAdditionalProperties().get("spec"));
  }

  String controlPlaneVersion() {
    return client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind()).withName("smm").get()
        .getMetadata().getResourceVersion();
  }

  /** An $EDITOR that runs {@code script} on the file it is given ($1), as a user's edit would change it. */
  Path editor(String script) throws Exception {
    Path file = dir.resolve("editor-" + System.nanoTime() + ".sh");
    Files.writeString(file, "#!/bin/sh\nset -e\n" + script + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  @Test
  void configGetPrintsTheControlPlaneAndEditValidatesWritesAndReconciles() throws Exception {
    CliRun.Output get = smm(null, "config", "get");
    assertThat(get.code()).isZero();
    assertThat(get.out()).startsWith("apiVersion: \"smm.cisco.com/v1alpha1\"\nkind: \"ControlPlane\"\nmetadata:\n  name: \"smm\"\nspec:\n")
        .contains("clusterName: \"primary\"");

    // An edit adding the manual's retention and a resource limit: written and reconciled.
    Path edit = editor("printf '  smm:\\n    prometheus:\\n      retentionTime: \"8h\"\\n' >> \"$1\"");
    CliRun.Output edited = smm(null, "config", "edit", "--editor", edit.toString());
    assertThat(edited.code()).as(edited.out()).isZero();
    assertThat(edited.out()).contains("Succeeded in");
    assertThat(spec().at("/smm/prometheus/retentionTime").asText()).isEqualTo("8h");
    assertThat(client.apps().deployments().inNamespace("smm-system").withName("smm-prometheus").get().getSpec().getTemplate().getSpec()
        .getContainers().get(0).getArgs()).contains("--storage.tsdb.retention.time=8h");

    // An invalid edit: refused with the field path, the cluster untouched, the user's text kept.
    String resourceVersion = controlPlaneVersion();
    Path bad = editor("sed -i 's/retentionTime: \"8h\"/retentionTime: \"8 hours\"/' \"$1\"");
    StringWriter err = new StringWriter();
    CliRun.Output refused = CliRun.runCapturingErr(err, null, "-c", kubeconfig.toString(), "config", "edit", "--editor", bad.toString());
    assertThat(refused.code()).isEqualTo(1);
    assertThat(err.toString()).contains(".spec.smm.prometheus.retentionTime: \"8 hours\" does not match").contains("your edit is kept in");
    Path kept = Path.of(err.toString().replaceAll("(?s).*your edit is kept in (\\S+).*", "$1").strip());
    assertThat(Files.readString(kept)).contains("retentionTime: \"8 hours\"");
    assertThat(spec().at("/smm/prometheus/retentionTime").asText()).isEqualTo("8h");
    assertThat(controlPlaneVersion()).as("the refused edit wrote nothing").isEqualTo(resourceVersion);

    // Saved without a change: nothing is written.
    CliRun.Output unchanged = smm(null, "config", "edit", "--editor", editor("true").toString());
    assertThat(unchanged.out()).contains("Edit cancelled, no changes made.");
    assertThat(controlPlaneVersion()).isEqualTo(resourceVersion);
  }

  @Test
  void registryAddListRemoveKeepsThePasswordOutOfEveryOutputAndReachesEveryProductPod() throws Exception {
    CliRun.Output add = smm("s3cr3t-pa55\n", "registry", "add", "registry.example.com:5000", "-u", "robot", "--password-stdin");
    assertThat(add.code()).as(add.out()).isZero();
    assertThat(add.out()).contains("Secret smm-registry-access/registry.example.com-5000-pull-secret").contains("Succeeded in")
        .doesNotContain("s3cr3t-pa55");
    var secret = client.secrets().inNamespace("smm-registry-access").withName("registry.example.com-5000-pull-secret").get();
    String config = new String(Base64.getDecoder().decode(secret.getData().get(".dockerconfigjson")), StandardCharsets.UTF_8);
    assertThat(Serialization.jsonMapper().readTree(config).at("/auths/registry.example.com:5000/auth").asText())
        .isEqualTo(Base64.getEncoder().encodeToString("robot:s3cr3t-pa55".getBytes(StandardCharsets.UTF_8)));
    assertThat(client.secrets().inNamespace("smm-system").withName("registry.example.com-5000-pull-secret").get()).isNotNull();
    assertThat(client.apps().deployments().inNamespace("smm-system").withName("smm").get().getSpec().getTemplate().getSpec()
        .getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("registry.example.com-5000-pull-secret");

    CliRun.Output list = smm(null, "registry", "list");
    assertThat(list.out()).contains("registry.example.com:5000").contains("robot").doesNotContain("s3cr3t-pa55");

    CliRun.Output remove = smm(null, "registry", "remove", "registry.example.com:5000");
    assertThat(remove.code()).as(remove.out()).isZero();
    assertThat(client.secrets().inNamespace("smm-registry-access").withName("registry.example.com-5000-pull-secret").get()).isNull();
    assertThat(client.secrets().inNamespace("smm-system").withName("registry.example.com-5000-pull-secret").get())
        .as("the copy goes too").isNull();
    assertThat(smm(null, "registry", "list").out()).contains("No image registries configured");
    assertThat(smm(null, "registry", "remove", "registry.example.com:5000").code()).isEqualTo(1);
  }

  @Test
  void theInstallQuestionsTakeTheManualsDefaultsOnEnterAndAskAgainOnNonsense() throws Exception {
    ByteArrayOutputStream shown = new ByteArrayOutputStream();
    InstallQuestions answers = InstallQuestions.ask(new BufferedReader(new StringReader("\nn\nmaybe\n\nyes\n")),
        new PrintStream(shown, true, StandardCharsets.UTF_8));
    assertThat(answers).isEqualTo(new InstallQuestions(true, false, false, true));
    assertThat(shown.toString(StandardCharsets.UTF_8)).contains("? Install istio-operator (recommended). Press enter to accept Yes")
        .contains("? Install and run demo application (optional). Press enter to skip No").contains("Please answer yes or no.");
    // Without a terminal (this test, CI) `smm install` takes the defaults and says so.
    CliRun.Output again = smm(null, "install", "--cluster-name", "primary", "--timeout", "60");
    assertThat(again.out()).startsWith("No terminal to ask on: installing the default components, as with -a.");
    assertThat(Map.of("code", again.code())).containsEntry("code", 0);
  }
}
