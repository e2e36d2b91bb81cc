package io.smm.operator.letsencrypt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.operator.resources.DesiredResource;
import io.smm.operator.resources.ResourceApplier;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Let's Encrypt part of the product (seed 2.8.5): cert-manager answers an HTTP-01 challenge with
 * a solver Ingress (label acme.cert-manager.io/http01-solver), which no Istio gateway serves by
 * itself. For each Certificate that names the host and carries acme.smm.cisco.com/gateway-selector,
 * the Gateways in its namespace whose labels match the selector get a VirtualService routing the
 * challenge path to the solver Service; when none of them serves plain HTTP on port 80 for the
 * host (an HTTPS-only entry point), a Gateway on the same pods does while the challenge lasts. Both
 * are owned by the Ingress, so that they go when cert-manager removes the solver. The Gateways' HTTPS servers already name the Certificate's secretName, which
 * Istio serves as soon as cert-manager writes it.
 */
public final class AcmeChallengeRoutes {

  public static final String SOLVER_LABEL = "acme.cert-manager.io/http01-solver";
  public static final String GATEWAY_SELECTOR = "acme.smm.cisco.com/gateway-selector";
  static final String COMPONENT = "letsencrypt";

  private final KubernetesClient client;
  private final ResourceApplier applier;

  public AcmeChallengeRoutes(KubernetesClient client, ResourceApplier applier) {
    this.client = client;
    this.applier = applier;
  }

  /** Routes the solver Ingress' challenge paths through the Gateways its Certificate selects; returns the Gateways routed. */
  public List<String> reconcile(Ingress solver) {
    String namespace = solver.getMetadata().getNamespace();
    List<String> routed = new ArrayList<>();
    for (IngressRule rule : solver.getSpec().getRules() == null ? List.<IngressRule>of() : solver.getSpec().getRules()) {
      List<GenericKubernetesResource> selected = gatewaysFor(namespace, rule.getHost());
      if (selected.isEmpty() || rule.getHttp() == null) {
        continue;
      }
      Set<String> gateways = new LinkedHashSet<>();
      selected.stream().filter(gw -> servesHttp(gw, rule.getHost())).forEach(gw -> gateways.add(gw.getMetadata().getName()));
      if (gateways.isEmpty()) {
        // Nothing listens on port 80 for the host (an HTTPS-only entry point): a Gateway on the same
        // gateway pods takes the challenge there while it lasts (the seed's port-80 row).
        applier.apply(DesiredResource.present(challengeGateway(solver, rule.getHost(), selected.get(0))), COMPONENT,
            "Ingress/" + namespace + "/" + solver.getMetadata().getName());
        gateways.add(solver.getMetadata().getName());
      }
      List<Map<String, Object>> routes = new ArrayList<>();
      for (HTTPIngressPath path : rule.getHttp().getPaths()) {
        var backend = path.getBackend().getService();
        routes.add(Map.of("match", List.of(Map.of("uri", Map.of("exact", path.getPath()))),
            "route", List.of(Map.of("destination", Map.of("host", backend.getName() + "." + namespace + ".svc.cluster.local",
                "port", Map.of("number", backend.getPort().getNumber()))))));
      }
      GenericKubernetesResource vs = new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1beta1")
          .withKind("VirtualService").withNewMetadata().withName(solver.getMetadata().getName()).withNamespace(namespace)
          .withOwnerReferences(ownedBy(solver)).endMetadata()
          .addToAdditionalProperties("spec", Map.of("hosts", List.of(rule.getHost()), "gateways", List.copyOf(gateways), "http", routes))
          .build();
      applier.apply(DesiredResource.present(vs), COMPONENT, "Ingress/" + namespace + "/" + solver.getMetadata().getName());
      routed.addAll(gateways);
    }
    return routed;
  }

  private static OwnerReference ownedBy(Ingress solver) {
    return new OwnerReferenceBuilder().withApiVersion("networking.k8s.io/v1").withKind("Ingress")
        .withName(solver.getMetadata().getName()).withUid(solver.getMetadata().getUid()).build();
  }

  /** Whether the Gateway has a plain HTTP server on port 80 for the host, where ACME validates HTTP-01. */
  static boolean servesHttp(GenericKubernetesResource gateway, String host) {
    JsonNode spec = Serialization.jsonMapper().valueToTree(gateway.getAdditionalProperties().get("spec"));
    for (JsonNode server : spec.path("servers")) {
      if (server.at("/port/number").asInt() == 80 && "HTTP".equalsIgnoreCase(server.at("/port/protocol").asText())) {
        for (JsonNode h : server.path("hosts")) {
          String pattern = h.asText().contains("/") ? h.asText().substring(h.asText().indexOf('/') + 1) : h.asText();
          if (pattern.equals("*") || pattern.equalsIgnoreCase(host) || pattern.startsWith("*.") && host.endsWith(pattern.substring(1))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** An HTTP server on port 80 for the host on the pods {@code like} selects, owned by the solver Ingress. */
  private static GenericKubernetesResource challengeGateway(Ingress solver, String host, GenericKubernetesResource like) {
    Object selector = ((Map<?, ?>) like.getAdditionalProperties().getOrDefault("spec", Map.of())).get("selector");
    return new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1beta1").withKind("Gateway")
        .withNewMetadata().withName(solver.getMetadata().getName()).withNamespace(solver.getMetadata().getNamespace())
        .withOwnerReferences(ownedBy(solver)).endMetadata()
        .addToAdditionalProperties("spec", Map.of("selector", selector == null ? Map.of() : selector, "servers", List.of(Map.of(
            "port", Map.of("number", 80, "name", "http-acme", "protocol", "HTTP"), "hosts", List.of(host)))))
        .build();
  }

  /** The Gateways in {@code namespace} that a Certificate for {@code host} selects with its annotation. */
  List<GenericKubernetesResource> gatewaysFor(String namespace, String host) {
    Map<String, GenericKubernetesResource> out = new LinkedHashMap<>();
    for (GenericKubernetesResource cert : list("cert-manager.io/v1", "Certificate", namespace)) {
      JsonNode spec = Serialization.jsonMapper().valueToTree(cert.getAdditionalProperties().get("spec"));
      boolean forHost = false;
      for (JsonNode n : spec.path("dnsNames")) {
        forHost |= n.asText().equalsIgnoreCase(host);
      }
      Map<String, String> annotations = cert.getMetadata().getAnnotations();
      if (!forHost || annotations == null || !annotations.containsKey(GATEWAY_SELECTOR)) {
        continue;
      }
      Map<String, String> selector = selector(annotations.get(GATEWAY_SELECTOR));
      for (GenericKubernetesResource gw : list("networking.istio.io/v1beta1", "Gateway", namespace)) {
        Map<String, String> labels = gw.getMetadata().getLabels() == null ? Map.of() : gw.getMetadata().getLabels();
        if (!selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet())) {
          out.put(gw.getMetadata().getName(), gw);
        }
      }
    }
    return List.copyOf(out.values());
  }

  /** The annotation's JSON label map (the seed writes it as a multi-line JSON object); empty when it does not parse. */
  static Map<String, String> selector(String json) {
    try {
      JsonNode n = new ObjectMapper().readTree(json);
      Map<String, String> out = new LinkedHashMap<>();
      n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
      return out;
    } catch (IOException e) {
      return Map.of();
    }
  }

  private List<GenericKubernetesResource> list(String apiVersion, String kind, String namespace) {
    try {
      return client.genericKubernetesResources(apiVersion, kind).inNamespace(namespace).list().getItems();
    } catch (KubernetesClientException e) {
      return List.of(); // the kind is not installed (no cert-manager, no Istio CRDs): nothing to route
    }
  }
}
