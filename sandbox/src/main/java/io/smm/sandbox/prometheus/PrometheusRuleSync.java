package io.smm.sandbox.prometheus;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prometheus-operator's part for PrometheusRules: each one's spec becomes a rule file in the
 * rules directory (prometheusrule_<namespace>_<name>.yml), stale files go, and the caller reloads
 * Prometheus when something changed. A rule file promtool rejects is left out with a warning
 * naming it, as the operator's admission check would refuse it; the others still load.
 */
final class PrometheusRuleSync {

  private static final Logger LOG = LoggerFactory.getLogger(PrometheusRuleSync.class);
  static final String PREFIX = "prometheusrule_";

  private final Path dir;
  private final Set<String> rejected = new HashSet<>();

  PrometheusRuleSync(Path rulesDir) {
    this.dir = rulesDir;
  }

  /** Writes the rule files for these PrometheusRules; returns whether any file changed. */
  boolean sync(List<GenericKubernetesResource> rules) {
    try {
      Set<String> wanted = new HashSet<>();
      boolean changed = false;
      for (GenericKubernetesResource r : rules) {
        String file = PREFIX + r.getMetadata().getNamespace() + "_" + r.getMetadata().getName() + ".yml";
        Object spec = r.getAdditionalProperties().getOrDefault("spec", Map.of());
        String yaml = "# From PrometheusRule " + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName() + "\n"
            + Serialization.asYaml(spec).replaceFirst("^---\\s*\\n", "");
        Path target = dir.resolve(file);
        if (Files.exists(target) && Files.readString(target).equals(yaml)) {
          wanted.add(file);
          continue;
        }
        if (rejected.contains(yaml)) {
          continue; // already reported
        }
        Path candidate = dir.resolve(file + ".check");
        Files.writeString(candidate, yaml);
        String problem = check(candidate);
        Files.deleteIfExists(candidate);
        if (problem != null) {
          rejected.add(yaml);
          LOG.warn("PrometheusRule {}/{} is not loaded: {}", r.getMetadata().getNamespace(), r.getMetadata().getName(), problem);
          continue;
        }
        Files.writeString(target, yaml);
        wanted.add(file);
        changed = true;
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path stale : files.filter(p -> p.getFileName().toString().startsWith(PREFIX) && !p.toString().endsWith(".check")
            && !wanted.contains(p.getFileName().toString())).toList()) {
          Files.delete(stale);
          changed = true;
        }
      }
      return changed;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write rule files in " + dir, e);
    }
  }

  /** promtool's verdict on a rule file: null when fine, its complaint otherwise. */
  private static String check(Path file) throws IOException {
    Process p = new ProcessBuilder(Binaries.require("promtool", "prometheus").toString(), "check", "rules", file.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "promtool did not answer";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    return p.exitValue() == 0 ? null : out.strip().replaceAll("\\s*\\n\\s*", " ");
  }
}
