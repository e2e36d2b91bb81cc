package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.smm.api.controlplane.ClusterNames;
import io.smm.api.schema.InvalidResourceException;
import io.smm.operator.Installer;
import io.smm.operator.ManifestDump;
import io.smm.operator.ReconcileReport;
import io.smm.operator.components.Components;
import io.smm.operator.components.JsonMerge;
import io.smm.operator.demo.DemoApplicationReconciler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `smm install`: the imperative mode: creates the ControlPlane and reconciles it from this machine. */
@Command(name = "install", mixinStandardHelpOptions = true, description = "Install Service Mesh Manager and Istio into the cluster.")
class InstallCommand implements Runnable {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @ParentCommand
  Smm parent;

  @Option(names = {"-a", "--run-everything"}, description = "Take every question's default without asking (the core components,"
      + " no demo application).")
  boolean runEverything;

  @Option(names = "--dump-resources", description = "Print the resources an install would create, as YAML; write nothing.")
  boolean dumpResources;

  @Option(names = "--image-repository", description = "Where the smm image is pulled from, HOST/PREFIX (the ControlPlane's "
      + "spec.repositoryOverride; default ghcr.io/smm): push the image `mvn -Pimage` builds there.")
  String imageRepository;

  @Option(names = "--cluster-name", description = "Name of the cluster in the mesh (default: the kubeconfig's cluster; converted to a valid name).")
  String clusterName;

  @Option(names = "--platform", description = "kubernetes or openshift.")
  String platform;

  @Option(names = "--istio-namespace", description = "Namespace of the Istio control plane (default istio-system).")
  String istioNamespace;

  @Option(names = "--istio-cr-file", description = "An IstioControlPlane YAML whose spec is merged over the default one.")
  Path istioCrFile;

  @Option(names = "--additional-cp-settings", description = "YAML merged into the ControlPlane spec (a 'spec:' document).")
  Path additionalSettings;

  @Option(names = "--anonymous-auth", description = "Let anyone who reaches the dashboard use it without login (explicit opt-in).")
  boolean anonymousAuth;

  @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait for the Istio control plane to become available (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public void run() {
    if (dumpResources) {
      String cluster = clusterName;
      if (cluster == null) {
        try {
          cluster = parent.kube.contextClusterName();
        } catch (CliException e) {
          throw new CliException(e.getMessage() + "; --dump-resources needs no cluster: name it with --cluster-name", e.exitCode());
        }
      }
      ObjectNode spec = userSpec(cluster);
      System.out.print(ManifestDump.yaml("smm", spec));
      return;
    }
    InstallQuestions answers = questions();
    KubeOptions.Connection kube = parent.kube.connect();
    try {
      ObjectNode spec = userSpec(clusterName != null ? clusterName : kube.clusterName());
      if (!answers.istioOperator()) {
        spec.with("meshManager").put("enabled", false);
      }
      if (!answers.certManager()) {
        spec.with("certManager").put("enabled", false);
      }
      System.out.println("Installing Service Mesh Manager into " + kube.server() + " (cluster " + spec.path("clusterName").asText() + ")");
      ReconcileReport report = new Installer(kube.client()).install("smm", spec,
          new ProgressPrinter(System.out, Components.all().size()), Duration.ofSeconds(timeoutSeconds));
      Summary.print(report, "installed");
      if (answers.demoApplication()) {
        int writes = new DemoApplicationReconciler(kube.client()).apply(DemoAppCommand.DEFAULT_NAMESPACE, DemoAppCommand.spec(null, null));
        System.out.println("Demo application installed in namespace " + DemoAppCommand.DEFAULT_NAMESPACE + " (" + writes
            + " writes); open it with `smm dashboard`");
      }
    } catch (InvalidResourceException e) {
      throw new CliException(e.getMessage(), 1);
    } finally {
      kube.client().close();
    }
  }

  /** The manual's questions on a terminal; -a, or no terminal (CI, a pipe), takes every default and says so. */
  InstallQuestions questions() {
    if (runEverything) {
      return InstallQuestions.DEFAULTS;
    }
    if (System.console() == null) {
      System.out.println("No terminal to ask on: installing the default components, as with -a.");
      return InstallQuestions.DEFAULTS;
    }
    try {
      return InstallQuestions.ask(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out);
    } catch (IOException e) {
      throw new CliException("cannot read the answers: " + e.getMessage(), 1);
    }
  }

  ObjectNode userSpec(String cluster) {
    ObjectNode spec = YAML.createObjectNode();
    spec.put("clusterName", ClusterNames.convert(cluster));
    if (imageRepository != null) {
      int slash = imageRepository.indexOf('/');
      if (slash <= 0 || slash == imageRepository.length() - 1) {
        throw new CliException("--image-repository: expected HOST/PREFIX (e.g. registry.example.com/smm), got " + imageRepository, 2);
      }
      spec.with("repositoryOverride").put("host", imageRepository.substring(0, slash)).put("prefix", imageRepository.substring(slash + 1));
    }
    if (platform != null) {
      spec.put("platform", platform);
    }
    if (istioNamespace != null) {
      spec.with("meshManager").with("istio").with("istioCRRef").put("namespace", istioNamespace);
    }
    if (anonymousAuth) {
      spec.with("smm").with("auth").put("mode", "anonymous");
    }
    if (istioCrFile != null) {
      JsonNode icp = readYaml(istioCrFile);
      spec.with("meshManager").with("istio").put("istioCROverrides", toYaml(YAML.createObjectNode().set("spec", icp.path("spec"))));
    }
    if (additionalSettings != null) {
      JsonNode extra = readYaml(additionalSettings);
      spec = (ObjectNode) JsonMerge.merge(spec, extra.has("spec") ? extra.get("spec") : extra);
    }
    return spec;
  }

  static JsonNode readYaml(Path file) {
    try {
      JsonNode n = YAML.readTree(Files.readString(file));
      if (n == null || !n.isObject()) {
        throw new CliException(file + " must contain a YAML object", 1);
      }
      return n;
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), 1);
    }
  }

  static String toYaml(JsonNode n) {
    try {
      return YAML.writeValueAsString(n).replaceFirst("^---\\s*\n", "");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
