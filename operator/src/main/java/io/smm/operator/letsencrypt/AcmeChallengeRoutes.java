package io.smm.operator.letsencrypt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Let's Encrypt part of the product (seed 2.8.5): cert-manager answers an HTTP-01 challenge with
 * a solver Ingress (label acme.cert-manager.io/http01-solver), which no Istio gateway serves by
 * itself. For each Certificate that names the host and carries acme.smm.cisco.com/gateway-selector,
 * the Gateways in its namespace whose labels match the selector get a VirtualService routing the
 * challenge path to the solver Service, owned by the Ingress so that it goes when cert-manager
 * removes the solver. The Gateways' HTTPS servers already name the Certificate's secretName, which
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
      Set<String> gateways = gatewaysFor(namespace, rule.getHost());
      if (gateways.isEmpty() || rule.getHttp() == null) {
        continue;
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
          .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("networking.k8s.io/v1").withKind("Ingress")
              .withName(solver.getMetadata().getName()).withUid(solver.getMetadata().getUid()).build())
          .endMetadata()
          .addToAdditionalProperties("spec", Map.of("hosts", List.of(rule.getHost()), "gateways", List.copyOf(gateways), "http", routes))
          .build();
      applier.apply(DesiredResource.present(vs), COMPONENT, "Ingress/" + namespace + "/" + solver.getMetadata().getName());
      routed.addAll(gateways);
    }
    return routed;
  }

  /** The Gateways (names, in {@code namespace}) that a Certificate for {@code host} selects with its annotation. */
  Set<String> gatewaysFor(String namespace, String host) {
    Set<String> out = new LinkedHashSet<>();
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
          out.add(gw.getMetadata().getName());
        }
      }
    }
    return out;
  }

  /** The annotation's JSON label map (the seed writes it as a multi-line JSON object); empty when it does not parse. */
  static Map<String, String> selector(String json) {
    try {
      JsonNode n = new ObjectMapper().readTree(json);
      Map<String, String> out = new java.util.LinkedHashMap<>();
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
