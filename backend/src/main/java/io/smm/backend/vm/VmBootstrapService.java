package io.smm.backend.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.backend.auth.AuthFailure;
import io.smm.backend.auth.Identity;
import io.smm.backend.auth.TokenReviewer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Serves a VM its mesh configuration for a WorkloadGroup (what smm-agent fetches from the exposed
 * dashboard, seed 2.9.4.1), built as {@code istioctl x workload entry configure --autoregister}
 * builds it from the cluster: the group, the control plane of its namespace (istio.io/rev), that
 * revision's mesh ConfigMap, the namespace's istio-ca-root-cert, and the meshexpansion gateway's
 * external addresses. The caller proves it may run as the group's service account by presenting
 * that account's token, which the Kubernetes API reviews; it is the same token the VM's sidecar
 * then presents to istiod.
 */
public final class VmBootstrapService {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
  /** Ports the VM's sidecar never captures: ssh, Envoy's Prometheus endpoint, the agent's health and status ports. */
  static final String EXCLUDED_PORTS = "22,15090,15021,15020";

  private final KubernetesClient client;
  private final TokenReviewer tokens;

  public VmBootstrapService(KubernetesClient client) {
    this.client = client;
    this.tokens = new TokenReviewer(client);
  }

  /**
   * @throws VmBootstrapException with the HTTP status and what is wrong: an unknown group (404), a
   *     token the API rejects (401) or of another account (403), a namespace outside the mesh or a
   *     gateway without address yet (409)
   */
  public VmBootstrap bootstrap(String namespace, String group, String bearerToken) {
    Identity caller;
    try {
      caller = tokens.review(bearerToken);
    } catch (AuthFailure e) {
      throw new VmBootstrapException(e.reason().status(), "bearer token rejected: " + e.getMessage());
    }
    GenericKubernetesResource wg = read(() -> client.genericKubernetesResources("networking.istio.io/v1beta1", "WorkloadGroup")
        .inNamespace(namespace).withName(group).get());
    if (wg == null) {
      throw new VmBootstrapException(404, "WorkloadGroup " + namespace + "/" + group + " not found");
    }
    JsonNode spec = Serialization.jsonMapper().valueToTree(wg.getAdditionalProperties().get("spec"));
    JsonNode template = spec.path("template");
    String serviceAccount = template.path("serviceAccount").asText("default");
    String expected = "system:serviceaccount:" + namespace + ":" + serviceAccount;
    if (!expected.equals(caller.username())) {
      throw new VmBootstrapException(403, "the bearer token is " + caller.username() + "'s; WorkloadGroup " + namespace + "/" + group
          + " runs as service account " + serviceAccount + " (" + expected + ")");
    }
    Namespace ns = read(() -> client.namespaces().withName(namespace).get());
    String revision = ns == null || ns.getMetadata().getLabels() == null ? null : ns.getMetadata().getLabels().get("istio.io/rev");
    if (revision == null || !revision.contains(".")) {
      throw new VmBootstrapException(409, "namespace " + namespace + " is not in the mesh: it has no istio.io/rev label naming a control plane");
    }
    String cpName = revision.substring(0, revision.indexOf('.'));
    String cpNamespace = revision.substring(revision.indexOf('.') + 1);
    GenericKubernetesResource icp = read(() -> client.genericKubernetesResources("servicemesh.cisco.com/v1alpha1", "IstioControlPlane")
        .inNamespace(cpNamespace).withName(cpName).get());
    if (icp == null) {
      throw new VmBootstrapException(409, "namespace " + namespace + " names control plane " + revision + ", which does not exist");
    }
    JsonNode icpSpec = Serialization.jsonMapper().valueToTree(icp.getAdditionalProperties().get("spec"));
    JsonNode mesh = meshConfig(cpNamespace, revision);
    List<String> gateways = gatewayAddresses(cpNamespace, "istio-meshexpansion-" + cpName);
    if (gateways.isEmpty()) {
      throw new VmBootstrapException(409, "the meshexpansion gateway " + cpNamespace + "/istio-meshexpansion-" + cpName
          + " has no external address yet: VMs reach istiod through it (is meshExpansion enabled on the IstioControlPlane?)");
    }
    ConfigMap root = read(() -> client.configMaps().inNamespace(namespace).withName("istio-ca-root-cert").get());
    if (root == null || root.getData() == null || !root.getData().containsKey("root-cert.pem")) {
      throw new VmBootstrapException(409, "namespace " + namespace + " has no istio-ca-root-cert yet (istiod publishes it)");
    }
    // The mesh config's own discovery address when it names one (the istio-operator writes it), else istioctl's.
    String discovery = mesh.at("/defaultConfig/discoveryAddress").asText("istiod-" + cpName + "." + cpNamespace + ".svc:15012");
    String istiodHost = host(discovery);
    String clusterId = icpSpec.path("clusterID").asText("Kubernetes");
    String network = template.path("network").asText("");

    ObjectNode proxyConfig = mesh.path("defaultConfig").isObject() ? (ObjectNode) mesh.path("defaultConfig").deepCopy()
        : YAML.createObjectNode();
    proxyConfig.put("discoveryAddress", discovery);
    proxyConfig.put("meshId", icpSpec.path("meshID").asText(mesh.at("/defaultConfig/meshId").asText("")));
    if (spec.path("probe").isObject()) {
      proxyConfig.set("readinessProbe", spec.path("probe").deepCopy());
    }
    Map<String, String> labels = new TreeMap<>();
    spec.at("/metadata/labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    template.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    String canonicalService = labels.getOrDefault("service.istio.io/canonical-name",
        labels.getOrDefault("app.kubernetes.io/name", labels.getOrDefault("app", group)));
    String canonicalRevision = labels.getOrDefault("service.istio.io/canonical-revision",
        labels.getOrDefault("app.kubernetes.io/version", labels.getOrDefault("version", "latest")));
    labels.put("service.istio.io/canonical-name", canonicalService);
    labels.put("service.istio.io/canonical-revision", canonicalRevision);
    ObjectNode metadata = proxyConfig.has("proxyMetadata") && proxyConfig.get("proxyMetadata").isObject()
        ? (ObjectNode) proxyConfig.get("proxyMetadata") : proxyConfig.putObject("proxyMetadata");
    metadata.put("CANONICAL_SERVICE", canonicalService);
    metadata.put("CANONICAL_REVISION", canonicalRevision);
    metadata.put("POD_NAMESPACE", namespace);
    metadata.put("SERVICE_ACCOUNT", serviceAccount);
    metadata.put("TRUST_DOMAIN", mesh.path("trustDomain").asText("cluster.local"));
    metadata.put("ISTIO_META_CLUSTER_ID", clusterId);
    metadata.put("ISTIO_META_MESH_ID", proxyConfig.path("meshId").asText());
    metadata.put("ISTIO_META_NETWORK", network);
    Map<String, Integer> ports = new TreeMap<>();
    template.path("ports").fields().forEachRemaining(e -> ports.put(e.getKey(), e.getValue().asInt()));
    if (!ports.isEmpty()) {
      metadata.put("ISTIO_META_POD_PORTS", Serialization.asJson(ports.entrySet().stream()
          .map(e -> Map.of("name", e.getKey(), "containerPort", e.getValue())).toList()));
    }
    metadata.put("ISTIO_META_WORKLOAD_NAME", group);
    metadata.put("ISTIO_METAJSON_LABELS", Serialization.asJson(labels));
    metadata.put("ISTIO_META_DNS_CAPTURE", "true");
    metadata.put("ISTIO_META_AUTO_REGISTER_GROUP", group);

    Map<String, String> env = new TreeMap<>();
    metadata.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    env.put("ISTIO_INBOUND_PORTS", ports.isEmpty() ? "*" : ports.values().stream().map(String::valueOf).collect(Collectors.joining(",")));
    env.put("ISTIO_NAMESPACE", namespace);
    env.put("ISTIO_SERVICE", group + "." + namespace);
    env.put("ISTIO_SERVICE_CIDR", "*");
    env.put("ISTIO_LOCAL_EXCLUDE_PORTS", EXCLUDED_PORTS);
    env.put("SERVICE_ACCOUNT", serviceAccount);
    env.put("CA_ADDR", discovery);

    Map<String, String> files = new TreeMap<>();
    files.put("cluster.env", env.entrySet().stream().map(e -> e.getKey() + "=" + VmBootstrap.shellQuote(e.getValue()))
        .collect(Collectors.joining("\n", "", "\n")));
    try {
      ObjectNode meshYaml = YAML.createObjectNode();
      meshYaml.set("defaultConfig", proxyConfig);
      files.put("mesh.yaml", YAML.writeValueAsString(meshYaml));
    } catch (IOException e) {
      throw new IllegalStateException("mesh.yaml does not serialize", e);
    }
    files.put("root-cert.pem", root.getData().get("root-cert.pem"));
    // Names the VM's Envoy resolves itself (bootstrap clusters, not mesh routes): istiod, and the access log and span
    // collectors the mesh config names, all at the meshexpansion gateway, which exposes 15012, 50600 and 59411.
    Set<String> gatewayNames = new LinkedHashSet<>();
    gatewayNames.add(istiodHost);
    for (String collector : List.of(host(mesh.at("/defaultConfig/envoyAccessLogService/address").asText("")),
        host(mesh.at("/defaultConfig/tracing/zipkin/address").asText("")))) {
      if (!collector.isEmpty()) {
        gatewayNames.add(collector);
      }
    }
    files.put("hosts", gatewayNames.stream().map(n -> gateways.get(0) + " " + n + "\n").collect(Collectors.joining()));
    return new VmBootstrap(namespace, group, serviceAccount, network, clusterId, revision, icpSpec.path("version").asText(""),
        discovery, gateways, files);
  }

  /** The host of a host:port address. */
  private static String host(String address) {
    return address.contains(":") ? address.substring(0, address.lastIndexOf(':')) : address;
  }

  /** The revision's mesh ConfigMap, found by its labels (istio=meshconfig, istio.io/rev), whatever the operator named it. */
  private JsonNode meshConfig(String namespace, String revision) {
    ConfigMap cm = read(() -> client.configMaps().inNamespace(namespace).withLabel("istio", "meshconfig").withLabel("istio.io/rev", revision)
        .list().getItems().stream().findFirst().orElse(null));
    String name = cm == null ? "(istio=meshconfig, istio.io/rev=" + revision + ")" : cm.getMetadata().getName();
    if (cm == null || cm.getData() == null || cm.getData().get("mesh") == null) {
      throw new VmBootstrapException(409, "control plane mesh config " + namespace + "/" + name + " not found (is istiod installed?)");
    }
    try {
      JsonNode mesh = YAML.readTree(cm.getData().get("mesh"));
      return mesh == null ? YAML.createObjectNode() : mesh;
    } catch (IOException e) {
      throw new VmBootstrapException(409, "control plane mesh config " + namespace + "/" + name + " is not YAML: " + e.getMessage());
    }
  }

  /** The gateway Service's load balancer addresses (IPs or names), as the VM reaches it. */
  private List<String> gatewayAddresses(String namespace, String name) {
    Service svc = read(() -> client.services().inNamespace(namespace).withName(name).get());
    List<String> out = new ArrayList<>();
    if (svc != null && svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null
        && svc.getStatus().getLoadBalancer().getIngress() != null) {
      svc.getStatus().getLoadBalancer().getIngress().forEach(i -> out.add(i.getIp() != null ? i.getIp() : i.getHostname()));
    }
    if (svc != null && out.isEmpty() && svc.getSpec().getExternalIPs() != null) {
      out.addAll(svc.getSpec().getExternalIPs());
    }
    return out;
  }

  private static <T> T read(Supplier<T> read) {
    try {
      return read.get();
    } catch (KubernetesClientException e) {
      throw new VmBootstrapException(503, "the Kubernetes API did not answer: " + e.getMessage());
    }
  }
}
