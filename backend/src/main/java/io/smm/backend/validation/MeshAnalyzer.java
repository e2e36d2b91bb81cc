package io.smm.backend.validation;

import io.smm.api.istio.ProxyRevision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs every check over a snapshot; one broken check is logged and skipped, never hides the others. */
public final class MeshAnalyzer {

  private static final Logger LOG = LoggerFactory.getLogger(MeshAnalyzer.class);

  private final List<Check> checks;

  public MeshAnalyzer() {
    List<Check> all = new ArrayList<>();
    all.addAll(VirtualServiceChecks.all());
    all.addAll(DestinationRuleChecks.all());
    all.addAll(GatewayChecks.all());
    all.addAll(ServiceEntryChecks.all());
    all.addAll(SidecarChecks.all());
    all.addAll(SecurityChecks.all());
    all.addAll(EnvoyFilterChecks.all());
    all.addAll(TelemetryChecks.all());
    all.addAll(ControlPlaneChecks.all());
    all.addAll(WorkloadChecks.all());
    this.checks = List.copyOf(all);
  }

  public List<Check> checks() {
    return checks;
  }

  /** Findings sorted by subject and path. */
  public List<Finding> analyze(MeshConfig snapshot) {
    MeshConfig mesh = snapshot.withoutIgnoredNamespaces();
    List<Finding> out = new ArrayList<>();
    for (Check check : checks) {
      try {
        check.rule().run(mesh, (subject, path, message, context) -> out.add(new Finding(check.id(), check.severity(), subject, path,
            message, revision(mesh, subject), sorted(context), check.istio())));
      } catch (RuntimeException e) {
        LOG.warn("check {} failed", check.id(), e);
      }
    }
    out.sort(Comparator.comparing((Finding f) -> f.subject().key(mesh.cluster())).thenComparing(Finding::path)
        .thenComparing(Finding::checkId));
    return out;
  }

  /** Context keys in order once here, so every report lists them alike. */
  private static Map<String, String> sorted(Map<String, String> context) {
    return Collections.unmodifiableMap(new TreeMap<>(context));
  }

  private static String revision(MeshConfig mesh, KubeObject subject) {
    String own = "Pod".equals(subject.kind()) ? ProxyRevision.of(subject.labels(), subject.annotations())
        : subject.labels().get("istio.io/rev");
    return own != null ? own : mesh.revisionOf(subject.namespace().isEmpty() ? subject.name() : subject.namespace());
  }
}
