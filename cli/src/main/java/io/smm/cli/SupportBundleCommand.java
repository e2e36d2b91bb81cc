package io.smm.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * `smm support-bundle` (seed 1.12 "support bundle generation"): one zip with what troubleshooting
 * the installation needs, for a support case or a colleague; no Secret is read and credentials,
 * tokens and private keys in what is collected are replaced by REDACTED.
 */
@Command(name = "support-bundle", mixinStandardHelpOptions = true,
    description = "Collect versions, the product's and Istio's resources with status, the product's namespaces (pods, events, logs)"
        + " and the mesh validation into one zip, with credentials redacted and no Secrets.")
class SupportBundleCommand implements Callable<Integer> {

  /** The product's and Istio's namespaces as the manual installs them. */
  static final List<String> DEFAULT_NAMESPACES = List.of("smm-system", "istio-system", "cert-manager", "smm-registry-access");

  @ParentCommand
  Smm parent;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "The zip to write (default smm-support-bundle-<time>.zip here).")
  Path output;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Also collect this namespace (pods, events, logs); repeatable.")
  List<String> namespaces = new ArrayList<>();

  @Option(names = "--log-bytes", defaultValue = "1048576", description = "The last bytes of each container's log to keep (default 1 MiB).")
  int logBytes;

  @Override
  public Integer call() throws Exception {
    if (logBytes < 0) {
      throw new CliException("--log-bytes must not be negative", 2);
    }
    Path file = output != null ? output
        : Path.of("smm-support-bundle-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".zip");
    Set<String> all = new LinkedHashSet<>(DEFAULT_NAMESPACES);
    all.addAll(namespaces);
    KubeOptions.Connection kube = parent.kube.connect();
    try {
      SupportBundle.Result result = new SupportBundle(kube.client(), kube.clusterName(), List.copyOf(all), logBytes,
          part -> System.err.println("collecting " + part + " ...")).write(file);
      System.out.println("Support bundle written to " + file.toAbsolutePath() + ": " + result.entries() + " files"
          + (result.errors().isEmpty() ? "" : ", " + result.errors().size() + " parts could not be collected (see errors.txt)")
          + ". Secrets were not read; credentials, tokens and private keys are REDACTED.");
      return 0;
    } finally {
      kube.client().close();
    }
  }
}
