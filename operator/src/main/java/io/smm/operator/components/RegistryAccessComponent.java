package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.smm.operator.resources.DesiredResource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * spec.registryAccess (seed 2.2, "imagePullSecretsController"): the pull secrets that
 * registryAccess.pullSecrets names are copied into every namespace the product runs pods in, so
 * the imagePullSecrets each product pod carries ({@link PodPlacement}) resolve there. The source
 * secrets stay the user's; only the copies are ours, updated when the source changes and removed
 * when registry access is switched off. A source the reconcile could not read yields no copy.
 */
public final class RegistryAccessComponent implements Component {

  private final List<Component> users;

  public RegistryAccessComponent(List<Component> users) {
    this.users = users;
  }

  /** The label value that marks the copies (the component label every object of a component carries). */
  public static final String NAME = "registry-access";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<DesiredResource> desired(ControlPlaneConfig config) {
    boolean enabled = config.enabled("registryAccess");
    Set<String> namespaces = new LinkedHashSet<>(NamespacesComponent.Use.of(users, config).used());
    namespaces.add(config.istioNamespace());
    List<DesiredResource> out = new ArrayList<>();
    Set<String> declared = new LinkedHashSet<>();
    config.at("registryAccess.pullSecrets").forEach(s -> declared.add(s.path("name").asText("")));
    Set<String> names = new LinkedHashSet<>();
    // Every declared name, also while switched off, and every copy made before: copies no longer
    // wanted are then removed.
    names.addAll(declared);
    names.addAll(config.pullSecretCopies());
    names.remove("");
    for (String name : names) {
      Secret source = config.pullSecrets().get(name);
      String sourceNamespace = source == null ? null : source.getMetadata().getNamespace();
      for (String ns : namespaces) {
        if (ns.equals(sourceNamespace)) {
          continue; // the user's own secret is already there
        }
        Secret copy = new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
            .withType(source == null ? "kubernetes.io/dockerconfigjson" : source.getType())
            .withData(source == null ? null : source.getData()).build();
        Workloads.label(copy, "registry-access", name());
        out.add(new DesiredResource(copy, enabled && source != null && declared.contains(name)));
      }
    }
    return out;
  }
}
