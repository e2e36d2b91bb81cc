package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hosts a mesh knows, by who may see them, as Istio's analyzers look them up: every
 * ServiceEntry host under each namespace it is exported to ("*" for all), every Kubernetes Service
 * under the namespaces of its {@code networking.istio.io/exportTo} annotation. A lookup from a
 * resource tries the exported-to-all entry, then the resource's own scopes, then wildcard entries.
 */
public final class ServiceRegistry {

  /** What a host resolves to: its ports and, for a ServiceEntry, its workload selector. */
  public record Entry(KubeObject source, List<Port> ports, Map<String, String> workloadSelector) {}

  public record Port(int number, String name, String protocol) {}

  private final Map<String, Entry> byScopedHost = new HashMap<>();
  private final List<Map.Entry<String, Entry>> wildcards = new ArrayList<>();

  ServiceRegistry(MeshConfig mesh) {
    for (KubeObject se : mesh.all("ServiceEntry")) {
      List<Port> ports = new ArrayList<>();
      se.spec().path("ports").forEach(p -> ports.add(new Port(p.path("number").asInt(), p.path("name").asText(""),
          p.path("protocol").asText(""))));
      Entry entry = new Entry(se, List.copyOf(ports), KubeObject.strings(se.spec().path("workloadSelector").path("labels")));
      for (String scope : ExportTo.scopes(se.spec().path("exportTo"), se.namespace())) {
        for (JsonNode h : se.spec().path("hosts")) {
          put(scope, Hosts.fqdn(h.asText(), se.namespace()), entry);
        }
      }
    }
    for (KubeObject svc : mesh.all("Service")) {
      List<Port> ports = new ArrayList<>();
      svc.spec().path("ports").forEach(p -> ports.add(new Port(p.path("port").asInt(), p.path("name").asText(""),
          p.path("protocol").asText("TCP"))));
      Entry entry = new Entry(svc, List.copyOf(ports), Map.of());
      String annotation = svc.annotations().getOrDefault("networking.istio.io/exportTo", "");
      List<String> scopes = new ArrayList<>();
      if (annotation.isBlank()) {
        scopes.add(ExportTo.ALL);
      } else {
        for (String ns : annotation.split(",")) {
          scopes.add(ns.trim().equals(ExportTo.LOCAL) ? svc.namespace() : ns.trim());
        }
      }
      for (String scope : scopes) {
        put(scope, Hosts.serviceFqdn(svc), entry);
      }
    }
  }

  private void put(String scope, String fqdn, Entry entry) {
    String key = scope + "/" + fqdn;
    if (byScopedHost.put(key, entry) == null && fqdn.startsWith("*")) {
      wildcards.add(Map.entry(key, entry));
    }
  }

  /**
   * The entry {@code host}, as written in a resource of {@code namespace} exported to {@code exportTo},
   * stands for; null when the mesh does not know it (Istio's GetDestinationHost).
   */
  public Entry lookup(String namespace, JsonNode exportTo, String host) {
    String fqdn = Hosts.fqdn(host, namespace);
    Entry all = byScopedHost.get(ExportTo.ALL + "/" + fqdn);
    if (all != null) {
      return all;
    }
    if (exportTo == null || exportTo.isEmpty()) {
      Entry own = byScopedHost.get(namespace + "/" + fqdn);
      if (own != null) {
        return own;
      }
    } else {
      for (JsonNode e : exportTo) {
        String scope = e.asText().equals(ExportTo.LOCAL) ? namespace : e.asText();
        Entry scoped = byScopedHost.get(scope + "/" + fqdn);
        if (scoped != null) {
          return scoped;
        }
      }
    }
    String bare = host.startsWith("*") ? host.substring(1) : host;
    for (Map.Entry<String, Entry> w : wildcards) {
      String scope = w.getKey().substring(0, w.getKey().indexOf('/'));
      String pattern = w.getKey().substring(w.getKey().indexOf('/') + 1);
      if ((scope.equals(ExportTo.ALL) || scope.equals(namespace)) && bare.endsWith(pattern.substring(1))) {
        return w.getValue();
      }
    }
    return null;
  }
}
