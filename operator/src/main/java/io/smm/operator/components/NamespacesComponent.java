package io.smm.operator.components;

import io.smm.operator.resources.DesiredResource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The namespaces every other component needs. A namespace is present while an enabled component
 * uses it; otherwise absent, and, being first in the order, removed last, after what was in it.
 */
public final class NamespacesComponent implements Component {

  private final List<Component> users;

  public NamespacesComponent(List<Component> users) {
    this.users = users;
  }

  @Override
  public String name() {
    return "namespaces";
  }

  /** The namespaces the components could use ({@code all}) and those an enabled one uses ({@code used}). */
  record Use(Set<String> all, Set<String> used) {
    static Use of(List<Component> components, ControlPlaneConfig config) {
      Set<String> used = new LinkedHashSet<>();
      Set<String> all = new LinkedHashSet<>();
      for (Component c : components) {
        for (DesiredResource r : c.desired(config)) {
          String ns = r.object().getMetadata().getNamespace();
          if (ns != null) {
            all.add(ns);
            if (r.present()) {
              used.add(ns);
            }
          }
        }
      }
      return new Use(all, used);
    }
  }

  @Override
  public List<DesiredResource> desired(ControlPlaneConfig config) {
    Use use = Use.of(users, config);
    List<DesiredResource> out = new ArrayList<>();
    use.all().forEach(ns -> out.add(new DesiredResource(Workloads.namespace(ns), use.used().contains(ns), true)));
    return out;
  }
}
