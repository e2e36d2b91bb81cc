package io.smm.cli;

import io.smm.backend.cluster.ClusterQueries;
import io.smm.backend.validation.AnalysisReport;
import io.smm.backend.validation.Finding;
import io.smm.backend.validation.MeshAnalyzer;
import io.smm.backend.validation.MeshConfig;
import io.smm.backend.validation.MeshSnapshots;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * `smm analyze` (seed 2.5.2, 2.11.3): runs the mesh validation checks against the cluster of the
 * kubeconfig, as istioctl analyze does, so it needs no backend. Exit code 1 when errors exist.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = "Validate the mesh configuration: Istio resources in the context of the whole cluster.")
class AnalyzeCommand implements Callable<Integer> {

  @ParentCommand
  Smm parent;

  @Option(names = {"-n", "--namespace"}, description = "Only results about this namespace's resources.")
  String namespace;

  @Option(names = {"-o", "--output"}, description = "Output format: text (default) or json.", defaultValue = "text")
  String output;

  @Override
  public Integer call() {
    if (!output.equals("text") && !output.equals("json")) {
      throw new CliException("unknown output format '" + output + "': use text or json", 2);
    }
    KubeOptions.Connection kube = parent.kube.connect();
    try {
      String cluster = new ClusterQueries(kube.client(), kube.clusterName()).clusterName();
      System.err.println("analyzing the mesh configuration of cluster " + cluster + " ...");
      MeshConfig mesh = MeshSnapshots.load(kube.client(), cluster);
      MeshAnalyzer analyzer = new MeshAnalyzer();
      List<Finding> findings = AnalysisReport.inNamespace(analyzer.analyze(mesh), namespace);
      if (output.equals("json")) {
        System.out.println(AnalysisReport.json(findings, cluster).toPrettyString());
      } else {
        System.out.print(AnalysisReport.text(findings, cluster));
      }
      return AnalysisReport.errors(findings) > 0 ? 1 : 0;
    } finally {
      kube.client().close();
    }
  }
}
