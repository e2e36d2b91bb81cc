package io.smm.operator.components;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.resources.DesiredResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * smm.exposeDashboard.meshGateway (seed 2.5.10.1): the dashboard on a public URL. An
 * IstioMeshGateway {@code smm-ingressgateway-external} (LoadBalancer, or NodePort with the given
 * node ports; the user's Service annotations for external-dns or a cloud load balancer), an Istio
 * Gateway on it (HTTP on 80; HTTPS on 443 with the user's credentialName or the Let's Encrypt
 * secret; with externalTermination plain HTTP on 443 for a load balancer that terminates TLS) and a
 * VirtualService to the smm Service. With Let's Encrypt, an ACME Issuer and a Certificate whose
 * acme.smm.cisco.com/gateway-selector names this Gateway (seed 2.8.5), so that the issued secret
 * is the one the HTTPS server serves.
 */
public final class DashboardExposureComponent implements Component {

  public static final String GATEWAY = "smm-ingressgateway-external";
  static final String LETS_ENCRYPT_SECRET = "smm-dashboard-tls";
  static final String LETS_ENCRYPT_PRODUCTION = "https://acme-v02.api.letsencrypt.org/directory";
  private static final String PATH = "smm.exposeDashboard.meshGateway";

  @Override
  public String name() {
    return "dashboard-exposure";
  }

  @Override
  public List<DesiredResource> desired(ControlPlaneConfig config) {
    boolean enabled = config.enabled("smm") && config.enabled("smm.web") && config.at(PATH + ".enabled").asBoolean(false)
        && config.enabled("meshManager.istio");
    String namespace = config.smmNamespace();
    JsonNode tls = config.at(PATH + ".tls");
    boolean https = tls.path("enabled").asBoolean(false);
    boolean letsEncrypt = https && tls.path("letsEncrypt").path("enabled").asBoolean(false);
    List<String> hosts = new ArrayList<>();
    tls.path("letsEncrypt").path("dnsNames").forEach(h -> hosts.add(h.asText()));
    List<String> gatewayHosts = hosts.isEmpty() ? List.of("*") : hosts;

    List<HasMetadata> objects = new ArrayList<>();
    objects.add(meshGateway(config, namespace, https));
    objects.add(gateway(namespace, gatewayHosts, https, tls));
    Map<String, Object> route = new LinkedHashMap<>();
    if (https) {
      // The manual: exposed, the dashboard works over HTTPS only. Port 80 then carries nothing but
      // what else is routed there: the ACME HTTP-01 challenges (seed 2.8.5), which a catch-all route
      // here would shadow, as istiod merges the older VirtualService's routes first.
      route.put("match", List.of(Map.of("port", 443)));
    }
    route.put("route", List.of(Map.of("destination", Map.of("host", "smm." + namespace + ".svc.cluster.local", "port",
        Map.of("number", 50500)))));
    objects.add(istio("VirtualService", "smm-dashboard-external", namespace, Map.of(
        "hosts", gatewayHosts,
        "gateways", List.of(GATEWAY),
        "http", List.of(route))));
    List<DesiredResource> out = new ArrayList<>(objects.stream().map(o -> {
      Workloads.label(o, GATEWAY, name());
      return new DesiredResource(o, enabled);
    }).toList());
    for (HasMetadata o : letsEncrypt(namespace, hosts, tls.path("letsEncrypt"))) {
      Workloads.label(o, GATEWAY, name());
      out.add(new DesiredResource(o, enabled && letsEncrypt));
    }
    return out;
  }

  private static GenericKubernetesResource meshGateway(ControlPlaneConfig config, String namespace, boolean https) {
    JsonNode service = config.at(PATH + ".service");
    String type = service.path("type").asText("LoadBalancer");
    List<Map<String, Object>> ports = new ArrayList<>();
    ports.add(port("http2", 80, 8080, service.path("nodePorts").path("http")));
    if (https) {
      ports.add(port("https", 443, 8443, service.path("nodePorts").path("https")));
    }
    Map<String, Object> serviceSpec = new LinkedHashMap<>();
    if (service.path("annotations").isObject()) {
      serviceSpec.put("metadata", Map.of("annotations", Serialization.jsonMapper().convertValue(service.path("annotations"), Map.class)));
    }
    serviceSpec.put("type", type);
    serviceSpec.put("ports", ports);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("type", "ingress");
    spec.put("istioControlPlane", Map.of("name", config.istioName(), "namespace", config.istioNamespace()));
    spec.put("deployment", Map.of("replicas", Map.of("count", 1)));
    spec.put("service", serviceSpec);
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(SmmCrds.ISTIO_MESH_GATEWAY.apiVersion()).withKind(SmmCrds.ISTIO_MESH_GATEWAY.kind())
        .withNewMetadata().withName(GATEWAY).withNamespace(namespace).endMetadata()
        .addToAdditionalProperties("spec", spec).build();
  }

  private static Map<String, Object> port(String name, int port, int targetPort, JsonNode nodePort) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", name);
    p.put("port", port);
    p.put("protocol", "TCP");
    p.put("targetPort", targetPort);
    if (nodePort.canConvertToInt()) {
      p.put("nodePort", nodePort.asInt());
    }
    return p;
  }

  private static GenericKubernetesResource gateway(String namespace, List<String> hosts, boolean https, JsonNode tls) {
    List<Map<String, Object>> servers = new ArrayList<>();
    servers.add(Map.of("hosts", hosts, "port", Map.of("name", "http", "number", 80, "protocol", "HTTP")));
    if (https && tls.path("externalTermination").asBoolean(false)) {
      // The load balancer terminates TLS and sends plain HTTP to 443 (seed: "a plain HTTP endpoint on port 443").
      servers.add(Map.of("hosts", hosts, "port", Map.of("name", "https", "number", 443, "protocol", "HTTP")));
    } else if (https) {
      String secret = tls.path("letsEncrypt").path("enabled").asBoolean(false) ? LETS_ENCRYPT_SECRET
          : tls.path("credentialName").asText(LETS_ENCRYPT_SECRET);
      servers.add(Map.of("hosts", hosts, "port", Map.of("name", "https", "number", 443, "protocol", "HTTPS"),
          "tls", Map.of("mode", "SIMPLE", "credentialName", secret)));
    }
    return istio("Gateway", GATEWAY, namespace, Map.of("selector", Map.of("gateway-name", GATEWAY, "gateway-type", "ingress"),
        "servers", servers));
  }

  /** The ACME Issuer and the Certificate the Let's Encrypt operator attaches to this Gateway. */
  private static List<HasMetadata> letsEncrypt(String namespace, List<String> hosts, JsonNode settings) {
    String issuer = "smm-dashboard-issuer";
    Map<String, Object> acme = new LinkedHashMap<>();
    acme.put("server", settings.path("server").asText(LETS_ENCRYPT_PRODUCTION));
    if (!settings.path("email").asText("").isEmpty()) {
      acme.put("email", settings.path("email").asText());
    }
    acme.put("privateKeySecretRef", Map.of("name", "smm-dashboard-letsencrypt-account"));
    acme.put("solvers", List.of(Map.of("http01", Map.of("ingress", Map.of("class", "istio")))));
    var issuerResource = new GenericKubernetesResourceBuilder().withApiVersion("cert-manager.io/v1").withKind("Issuer")
        .withNewMetadata().withName(issuer).withNamespace(namespace).endMetadata()
        .addToAdditionalProperties("spec", Map.of("acme", acme)).build();
    var certificate = new GenericKubernetesResourceBuilder().withApiVersion("cert-manager.io/v1").withKind("Certificate")
        .withNewMetadata().withName("smm-dashboard").withNamespace(namespace)
        // The selector matches the Gateway's own labels, as the Gateways page's entry points write it.
        .withAnnotations(Map.of("acme.smm.cisco.com/gateway-selector", "{\"app.kubernetes.io/name\": \"" + GATEWAY + "\"}")).endMetadata()
        .addToAdditionalProperties("spec", Map.of("dnsNames", hosts, "secretName", LETS_ENCRYPT_SECRET,
            "issuerRef", Map.of("group", "cert-manager.io", "kind", "Issuer", "name", issuer),
            "privateKey", Map.of("algorithm", "RSA", "size", 2048), "usages", List.of("server auth")))
        .build();
    return List.of(issuerResource, certificate);
  }

  private static GenericKubernetesResource istio(String kind, String name, String namespace, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1beta1").withKind(kind)
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .addToAdditionalProperties("spec", spec).build();
  }
}
