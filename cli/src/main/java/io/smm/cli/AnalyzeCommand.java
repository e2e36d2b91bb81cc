package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.smm.backend.cluster.ClusterQueries;
import io.smm.backend.validation.AnalysisReport;
import io.smm.backend.validation.Check;
import io.smm.backend.validation.Finding;
import io.smm.backend.validation.KubeObject;
import io.smm.backend.validation.MeshAnalyzer;
import io.smm.backend.validation.MeshConfig;
import io.smm.backend.validation.MeshSettings;
import io.smm.backend.validation.MeshSnapshots;
import io.smm.backend.validation.ResourceFiles;
import io.smm.backend.validation.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * `smm analyze` (seed 2.5.2, 2.11.3): runs the mesh validation checks as istioctl analyze does —
 * against the cluster of the kubeconfig, against local files merged over it ({@code -f}), or
 * against the files alone ({@code --use-kube=false}, no cluster and no backend needed, for
 * pre-merge checks in a GitOps repository). Exit code 1 when a finding reaches the failure threshold.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = "Validate the mesh configuration: Istio resources in the context of the whole cluster, of local files, or both.")
class AnalyzeCommand implements Callable<Integer> {

  /** The cluster name in subject keys when no cluster is read. */
  static final String LOCAL_CLUSTER = "local";

  @ParentCommand
  Smm parent;

  @Option(names = {"-n", "--namespace"}, description = "Only results about this namespace's resources; also the namespace of file"
      + " objects that name none (default: default).")
  String namespace;

  @Option(names = {"-o", "--output"}, description = "Output format: text (default) or json.", defaultValue = "text")
  String output;

  @Option(names = {"-f", "--file"}, arity = "1..*", paramLabel = "FILE|DIR|-",
      description = "Analyse these YAML files (multi-document; directories recursively; - for stdin), merged over the cluster's"
          + " state unless --use-kube=false.")
  List<String> files = new ArrayList<>();

  @Option(names = "--use-kube", arity = "0..1", defaultValue = "true", fallbackValue = "true",
      description = "Read the cluster of the kubeconfig (default true). With false, only the files are analysed.")
  boolean useKube;

  @Option(names = "--meshConfigFile", paramLabel = "FILE", description = "Istio MeshConfig YAML to analyse with, over the cluster's.")
  Path meshConfigFile;

  @Option(names = "--failure-threshold", defaultValue = "error", paramLabel = "LEVEL",
      description = "Exit with 1 when a finding is at least this severe: error (default), warning or info.")
  String failureThreshold;

  @Option(names = "--output-threshold", defaultValue = "info", paramLabel = "LEVEL",
      description = "Show findings at least this severe: info (default), warning or error.")
  String outputThreshold;

  @Override
  public Integer call() throws IOException {
    if (!output.equals("text") && !output.equals("json")) {
      throw new CliException("unknown output format '" + output + "': use text or json", 2);
    }
    Severity failAt = level("--failure-threshold", failureThreshold);
    Severity showAt = level("--output-threshold", outputThreshold);
    if (!useKube && files.isEmpty()) {
      throw new CliException("--use-kube=false needs files to analyse: give them with -f", 2);
    }
    ResourceFiles local = readFiles();
    JsonNode overlay = meshConfigFile == null ? null : readMeshConfig(meshConfigFile);
    String cluster;
    MeshConfig mesh;
    if (useKube) {
      KubeOptions.Connection kube = parent.kube.connect();
      try {
        cluster = new ClusterQueries(kube.client(), kube.clusterName()).clusterName();
        System.err.println("analyzing the mesh configuration of cluster " + cluster
            + (files.isEmpty() ? "" : " with " + local.objects().size() + " objects from files") + " ...");
        mesh = MeshSnapshots.load(kube.client(), cluster);
      } finally {
        kube.client().close();
      }
    } else {
      cluster = LOCAL_CLUSTER;
      System.err.println("analyzing " + local.objects().size() + " objects from files (no cluster) ...");
      mesh = new MeshConfig(cluster, JsonNodeFactory.instance.objectNode(), List.of());
    }
    List<KubeObject> objects = new ArrayList<>(mesh.objects());
    // Files win over the cluster: they are the change being checked.
    Set<String> fromFiles = new HashSet<>();
    local.objects().forEach(o -> fromFiles.add(o.kind() + "/" + o.namespace() + "/" + o.name()));
    objects.removeIf(o -> fromFiles.contains(o.kind() + "/" + o.namespace() + "/" + o.name()));
    objects.addAll(local.objects());
    JsonNode settings = MeshSettings.of(objects);
    if (overlay != null) {
      settings = MeshSettings.overlay(settings, overlay);
    }
    List<Finding> all = new ArrayList<>(local.problems());
    all.addAll(new MeshAnalyzer().analyze(new MeshConfig(cluster, settings, objects)));
    List<Finding> shown = AnalysisReport.inNamespace(all, namespace).stream()
        .filter(f -> f.severity().compareTo(showAt) <= 0).toList();
    if (output.equals("json")) {
      System.out.println(AnalysisReport.json(shown, cluster).toPrettyString());
    } else {
      System.out.print(AnalysisReport.text(shown, cluster));
    }
    return shown.stream().anyMatch(f -> f.severity().compareTo(failAt) <= 0) ? 1 : 0;
  }

  private ResourceFiles readFiles() throws IOException {
    ResourceFiles local = new ResourceFiles(namespace == null || namespace.isBlank() ? "default" : namespace, Instant.now());
    for (String f : files) {
      if (f.equals("-")) {
        local.read("<stdin>", System.in);
      } else if (!Files.exists(Path.of(f))) {
        throw new CliException("no such file or directory: " + f, 2);
      } else {
        local.read(Path.of(f));
      }
    }
    return local;
  }

  private static JsonNode readMeshConfig(Path file) {
    try {
      JsonNode node = new YAMLMapper().readTree(file.toFile());
      if (node == null || !node.isObject()) {
        throw new CliException("--meshConfigFile " + file + ": not a MeshConfig (a YAML mapping)", 2);
      }
      return node;
    } catch (IOException e) {
      throw new CliException("--meshConfigFile " + file + ": " + e.getMessage(), 2);
    }
  }

  private static Severity level(String option, String value) {
    try {
      return Severity.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliException(option + " " + value + ": use error, warning or info", 2);
    }
  }

  /** The help's list of checks: id, then its severity and the Istio message it mirrors. */
  static void describeChecks(CommandLine analyze) {
    StringBuilder out = new StringBuilder("%nChecks (id, then severity and the Istio analyzer message it mirrors):%n");
    for (Check c : new MeshAnalyzer().checks()) {
      checkLine(out, c.id(), c.severity().label() + (c.istio() == null ? "" : ", " + c.istio().code() + " " + c.istio().messageName()));
    }
    checkLine(out, ResourceFiles.INVALID_DOCUMENT, "error: a file document that cannot be read (-f)");
    checkLine(out, ResourceFiles.UNKNOWN_KIND, "warning: an Istio kind no check knows; info: another kind no check reads (-f)");
    analyze.getCommandSpec().usageMessage().footer(out.toString());
  }

  private static void checkLine(StringBuilder out, String id, String details) {
    out.append("  ").append(id).append("%n      ").append(details.replace("%", "%%")).append("%n");
  }
}
