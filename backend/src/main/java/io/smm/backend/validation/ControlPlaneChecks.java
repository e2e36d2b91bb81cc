package io.smm.backend.validation;

import io.smm.api.selector.LabelSelectors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks on how the control plane is wired into the cluster (Istio's webhook analyzer) and on
 * the status controllers report (Istio's condition analyzer).
 */
final class ControlPlaneChecks {

  private ControlPlaneChecks() {}

  static List<Check> all() {
    return List.of(
        new Check("mutatingwebhook/injection/overlap", IstioMessage.INVALID_WEBHOOK,
            "Two Istio injection webhooks select the same pods (by namespace and pod labels): sidecars would be injected twice.",
            ControlPlaneChecks::overlap),
        new Check("mutatingwebhook/injection/service-not-found", IstioMessage.INVALID_WEBHOOK,
            "An Istio injection webhook calls a Service that does not exist: pods in its namespaces cannot be created.",
            ControlPlaneChecks::serviceNotFound),
        new Check("meshnetworks/registry/unknown", IstioMessage.UNKNOWN_MESH_NETWORKS_SERVICE_REGISTRY,
            "A network of the mesh takes endpoints from a registry that is neither Kubernetes nor a cluster with a remote secret:"
                + " its endpoints are never found.", ControlPlaneChecks::unknownRegistry),
        new Check("status/condition/negative", IstioMessage.NEGATIVE_CONDITION_STATUS,
            "A controller reports a negative condition on the resource (not bound to its waypoint, not accepted, refs not resolved).",
            ControlPlaneChecks::negativeConditions));
  }

  /** An Istio injection webhook: named *istio.io, or one of a configuration for an istio.io/rev revision. */
  private record Hook(KubeObject configuration, JsonNode webhook) {
    String key() {
      return configuration.name() + "/" + webhook.path("name").asText();
    }
  }

  private static List<Hook> istioHooks(MeshConfig mesh, Set<String> revisions) {
    List<Hook> out = new ArrayList<>();
    for (KubeObject mwc : mesh.all("MutatingWebhookConfiguration")) {
      Set<String> revs = new TreeSet<>();
      if (mwc.labels().containsKey("istio.io/rev")) {
        revs.add(mwc.labels().get("istio.io/rev"));
      }
      boolean istio = false;
      for (JsonNode w : mwc.body().path("webhooks")) {
        istio |= w.path("name").asText().endsWith("istio.io");
        for (String selector : List.of("namespaceSelector", "objectSelector")) {
          JsonNode s = w.path(selector);
          if (s.path("matchLabels").has("istio.io/rev")) {
            revs.add(s.path("matchLabels").path("istio.io/rev").asText());
          }
          for (JsonNode e : s.path("matchExpressions")) {
            if (e.path("key").asText().equals("istio.io/rev")) {
              e.path("values").forEach(v -> revs.add(v.asText()));
            }
          }
        }
      }
      if (revs.isEmpty() && !istio) {
        continue;
      }
      revisions.addAll(revs);
      mwc.body().path("webhooks").forEach(w -> out.add(new Hook(mwc, w)));
    }
    return out;
  }

  /** The label sets Istio's analyzer tries: no label, injection enabled or disabled, each also with every revision. */
  private static List<Map<String, String>> labelSets(String key, String on, String off, Set<String> revisions) {
    List<Map<String, String>> base = List.of(Map.of(), Map.of(key, on), Map.of(key, off));
    List<Map<String, String>> out = new ArrayList<>(base);
    for (String rev : revisions) {
      for (Map<String, String> b : base) {
        Map<String, String> withRev = new HashMap<>(b);
        withRev.put("istio.io/rev", rev);
        out.add(withRev);
      }
    }
    return out;
  }

  private static void overlap(MeshConfig mesh, Check.Reporter report) {
    Set<String> revisions = new TreeSet<>();
    List<Hook> hooks = istioHooks(mesh, revisions);
    // Each webhook with every distinct set of others it overlaps with: one finding each, as istioctl's deduplicated output shows.
    Map<Hook, Set<Set<String>>> overlaps = new LinkedHashMap<>();
    for (Map<String, String> ns : labelSets("istio-injection", "enabled", "disabled", revisions)) {
      for (Map<String, String> pod : labelSets("sidecar.istio.io/inject", "true", "false", revisions)) {
        List<Hook> matching = hooks.stream().filter(h -> LabelSelectors.matches(h.webhook().path("namespaceSelector"), ns)
            && LabelSelectors.matches(h.webhook().path("objectSelector"), pod)).toList();
        if (matching.size() > 1) {
          for (Hook h : matching) {
            Set<String> others = new TreeSet<>();
            matching.stream().filter(o -> o != h).forEach(o -> others.add(o.key()));
            overlaps.computeIfAbsent(h, k -> new LinkedHashSet<>()).add(others);
          }
        }
      }
    }
    overlaps.forEach((h, otherSets) -> otherSets.forEach(others -> report.problem(h.configuration(), "webhooks["
        + h.webhook().path("name").asText() + "]", "Webhook overlaps with others: " + others + ". This may cause injection to occur twice.",
        Map.of("webhook", h.webhook().path("name").asText(), "overlapsWith", String.join(",", others)))));
  }

  private static void serviceNotFound(MeshConfig mesh, Check.Reporter report) {
    for (Hook h : istioHooks(mesh, new TreeSet<>())) {
      JsonNode service = h.webhook().path("clientConfig").path("service");
      if (service.isMissingNode()) {
        continue;
      }
      String ns = service.path("namespace").asText("");
      String name = service.path("name").asText("");
      if (mesh.find("Service", ns, name).isEmpty()) {
        report.problem(h.configuration(), "webhooks[" + h.webhook().path("name").asText() + "].clientConfig.service", "Injector refers to"
            + " a control plane service that does not exist: " + ns + "/" + name + ".", Map.of("service", ns + "/" + name));
      }
    }
  }

  /** Registries istiod always has (case matters, as in istiod's provider IDs). */
  private static final Set<String> BUILT_IN_REGISTRIES = Set.of("Mock", "Kubernetes", "External");

  /**
   * As Istio's MeshNetworksAnalyzer: every {@code fromRegistry} must name a built-in registry or a
   * cluster istiod reads through a remote secret (label istio/multiCluster=true; its keys are the
   * cluster names). Reported on Istio's MeshNetworks object, which has no Kubernetes kind of its own.
   */
  private static void unknownRegistry(MeshConfig mesh, Check.Reporter report) {
    JsonNode networks = mesh.networks().path("networks");
    if (networks.isEmpty()) {
      return;
    }
    Set<String> registries = new TreeSet<>(BUILT_IN_REGISTRIES);
    for (KubeObject secret : mesh.all("Secret")) {
      if ("true".equals(secret.labels().get("istio/multiCluster"))) {
        secret.body().path(GatewayCredentials.KEYS_FIELD).forEach(k -> registries.add(k.asText()));
      }
    }
    KubeObject subject = KubeObject.of(JsonNodeFactory.instance.objectNode().put("apiVersion", "mesh.istio.io/v1alpha1")
        .put("kind", "MeshNetworks").set("metadata", JsonNodeFactory.instance.objectNode().put("namespace", mesh.rootNamespace())
            .put("name", "meshnetworks")));
    networks.fields().forEachRemaining(network -> {
      JsonNode endpoints = network.getValue().path("endpoints");
      for (int i = 0; i < endpoints.size(); i++) {
        String registry = endpoints.get(i).path("fromRegistry").asText("");
        if (!registry.isEmpty() && !registries.contains(registry)) {
          report.problem(subject, "networks." + network.getKey() + ".endpoints[" + i + "].fromRegistry", "Unknown service registry "
              + registry + " in network " + network.getKey(), Map.of("network", network.getKey(), "registry", registry));
        }
      }
    });
  }

  /** Condition types whose False status is a problem, per kind (Istio's ConditionAnalyzer). */
  private static final Map<String, Set<String>> NEGATIVE_WHEN_FALSE = Map.of(
      "Service", Set.of("istio.io/WaypointBound"),
      "ServiceEntry", Set.of("istio.io/WaypointBound"),
      "WorkloadEntry", Set.of("istio.io/WaypointBound"),
      "AuthorizationPolicy", Set.of("ZtunnelAccepted", "WaypointAccepted"),
      MeshConfig.KUBERNETES_GATEWAY, Set.of("Accepted", "Programmed", "ResolvedRefs"),
      "HTTPRoute.gateway.networking.k8s.io", Set.of("Accepted", "Programmed", "ResolvedRefs"),
      "GRPCRoute.gateway.networking.k8s.io", Set.of("Accepted", "Programmed", "ResolvedRefs"));

  private static void negativeConditions(MeshConfig mesh, Check.Reporter report) {
    NEGATIVE_WHEN_FALSE.forEach((kind, types) -> {
      for (KubeObject o : mesh.all(kind)) {
        List<JsonNode> conditions = new ArrayList<>();
        o.body().path("status").path("conditions").forEach(conditions::add);
        o.body().path("status").path("parents").forEach(p -> p.path("conditions").forEach(conditions::add));
        for (JsonNode c : conditions) {
          String type = c.path("type").asText();
          boolean negative = types.contains(type) && c.path("status").asText().equals("False");
          boolean partlyInvalid = o.is("AuthorizationPolicy") && type.equals("WaypointAccepted")
              && c.path("reason").asText().equals("PartiallyInvalid");
          if (negative || partlyInvalid) {
            report.problem(o, "status.conditions[" + type + "]", "A condition with a negative status is present: type=" + type + ", reason="
                + c.path("reason").asText() + ", message=" + c.path("message").asText() + ".", Map.of("type", type,
                "reason", c.path("reason").asText()));
          }
        }
      }
    });
  }
}
