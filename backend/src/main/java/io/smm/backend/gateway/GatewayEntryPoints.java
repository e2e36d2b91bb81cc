package io.smm.backend.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.IstioCrds;
import io.smm.api.crd.SmmCrds;
import io.smm.backend.istio.ApplyResult;
import io.smm.backend.istio.IstioConfigKinds;
import io.smm.backend.istio.IstioConfigService;
import io.smm.backend.istio.ResourceYaml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Ports & Hosts of an IstioMeshGateway: a new entry point becomes a plain Gateway selecting the
 * mesh gateway's pods (gateway-name/gateway-type), named {@code <gateway>-<protocol>-<port>}. With
 * Let's Encrypt, an ACME Issuer (once per namespace) and a Certificate carrying the seed's
 * {@code acme.smm.cisco.com/gateway-selector} annotation come with it; its secret appears when
 * cert-manager has the certificate, so until then the Gateway's missing-secret finding is expected
 * and only that one is overridden. All or nothing: the Gateway is saved (and validated) first,
 * and when the Issuer or Certificate cannot be written, what this call wrote is removed again.
 */
public final class GatewayEntryPoints {

  static final String ACME_SERVER = "https://acme-v02.api.letsencrypt.org/directory";
  static final String ISSUER_NAME = "letsencrypt";
  static final Set<String> PROTOCOLS = Set.of("HTTP", "HTTPS", "HTTP2", "GRPC", "TCP", "TLS");

  private final KubernetesClient client;
  private final IstioConfigService istio;

  public GatewayEntryPoints(KubernetesClient client, IstioConfigService istio) {
    this.client = client;
    this.istio = istio;
  }

  public EntryPointResult create(EntryPoint e) {
    String protocol = e.protocol() == null ? "" : e.protocol().toUpperCase(Locale.ROOT);
    if (!PROTOCOLS.contains(protocol)) {
      throw new IllegalArgumentException("protocol must be one of " + String.join(", ", new TreeSet<>(PROTOCOLS)));
    }
    if (e.port() < 1 || e.port() > 65535) {
      throw new IllegalArgumentException("port must be between 1 and 65535");
    }
    List<String> hosts = e.hosts() == null ? List.of() : e.hosts().stream().map(String::trim).filter(h -> !h.isEmpty()).toList();
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("at least one host is required (\"*\" for any)");
    }
    boolean tls = protocol.equals("HTTPS") || protocol.equals("TLS");
    boolean letsEncrypt = e.letsEncryptEmail() != null && !e.letsEncryptEmail().isBlank();
    if (tls && !letsEncrypt && (e.tlsSecret() == null || e.tlsSecret().isBlank())) {
      throw new IllegalArgumentException(protocol + " needs a TLS secret name or Let's Encrypt");
    }
    if (letsEncrypt && (!tls || hosts.stream().anyMatch(h -> h.contains("*")))) {
      throw new IllegalArgumentException("Let's Encrypt needs HTTPS or TLS and host names without wildcards (HTTP-01 challenge)");
    }
    GenericKubernetesResource meshGateway = client.genericKubernetesResources(SmmCrds.ISTIO_MESH_GATEWAY.apiVersion(),
        SmmCrds.ISTIO_MESH_GATEWAY.kind()).inNamespace(e.namespace()).withName(e.meshGateway()).get();
    if (meshGateway == null) {
      throw new IllegalArgumentException("IstioMeshGateway " + e.namespace() + "/" + e.meshGateway() + " not found");
    }
    Object spec = meshGateway.getAdditionalProperties().get("spec");
    String type = spec instanceof Map<?, ?> m && m.get("type") != null ? m.get("type").toString() : "ingress";
    String name = e.meshGateway() + "-" + protocol.toLowerCase(Locale.ROOT) + "-" + e.port();
    String secret = letsEncrypt ? name + "-tls" : e.tlsSecret();

    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", name);
    labels.put("app.kubernetes.io/instance", e.meshGateway());
    ObjectNode gateway = resource("networking.istio.io/v1beta1", "Gateway", e.namespace(), name, labels);
    ObjectNode gwSpec = gateway.putObject("spec");
    gwSpec.putObject("selector").put("gateway-name", e.meshGateway()).put("gateway-type", type);
    ObjectNode server = gwSpec.putArray("servers").addObject();
    server.putObject("port").put("number", e.port()).put("name", protocol.toLowerCase(Locale.ROOT) + "-" + e.port())
        .put("protocol", protocol);
    ArrayNode hostList = server.putArray("hosts");
    hosts.forEach(hostList::add);
    if (tls) {
      server.putObject("tls").put("mode", "SIMPLE").put("credentialName", secret);
    }
    // One validated save: with Let's Encrypt only the not-yet-issued secret may be overridden.
    ApplyResult saved = istio.apply(ResourceYaml.write(gateway),
        finding -> letsEncrypt && finding.checkId().equals("gateway/secret/not-found"));
    if (!saved.applied() || !letsEncrypt) {
      return new EntryPointResult(saved, List.of());
    }
    List<Runnable> undo = new ArrayList<>();
    undo.add(() -> client.genericKubernetesResources(IstioConfigKinds.context(IstioConfigKinds.require("Gateway")))
        .inNamespace(e.namespace()).withName(name).delete());
    List<String> created = new ArrayList<>();
    try {
      writeIssuer(e.namespace(), e.letsEncryptEmail(), undo, created);
      ObjectNode certificate = resource("cert-manager.io/v1", "Certificate", e.namespace(), name, Map.of());
      ObjectNode selector = Serialization.jsonMapper().createObjectNode();
      labels.forEach(selector::put);
      ((ObjectNode) certificate.get("metadata")).putObject("annotations").put("acme.smm.cisco.com/gateway-selector",
          selector.toPrettyString());
      ObjectNode certSpec = certificate.putObject("spec").put("secretName", secret);
      ArrayNode dns = certSpec.putArray("dnsNames");
      hosts.forEach(dns::add);
      certSpec.putObject("issuerRef").put("name", ISSUER_NAME).put("kind", "Issuer").put("group", "cert-manager.io");
      create(IstioCrds.CERTIFICATE, certificate, undo, created);
    } catch (RuntimeException ex) {
      undo.forEach(Runnable::run);
      throw ex;
    }
    return new EntryPointResult(saved, created);
  }

  /** The namespace's ACME Issuer for Let's Encrypt, unless it has one. */
  private void writeIssuer(String namespace, String email, List<Runnable> undo, List<String> created) {
    var issuers = client.genericKubernetesResources(IstioConfigKinds.context(IstioCrds.ISSUER)).inNamespace(namespace);
    if (issuers.withName(ISSUER_NAME).get() != null) {
      return;
    }
    ObjectNode issuer = resource("cert-manager.io/v1", "Issuer", namespace, ISSUER_NAME, Map.of());
    ObjectNode acme = issuer.putObject("spec").putObject("acme").put("server", ACME_SERVER).put("email", email);
    acme.putObject("privateKeySecretRef").put("name", ISSUER_NAME + "-account-key");
    acme.putArray("solvers").addObject().putObject("http01").putObject("ingress").put("class", "istio");
    create(IstioCrds.ISSUER, issuer, undo, created);
  }

  private void create(IstioCrds.IstioKind kind, ObjectNode body, List<Runnable> undo, List<String> created) {
    GenericKubernetesResource r = Serialization.jsonMapper().convertValue(body, GenericKubernetesResource.class);
    var ops = client.genericKubernetesResources(IstioConfigKinds.context(kind)).inNamespace(r.getMetadata().getNamespace());
    try {
      ops.resource(r).create();
    } catch (KubernetesClientException ex) {
      if (ex.getCode() == 404) {
        throw new IllegalArgumentException("cert-manager's " + kind.kind() + " kind is not installed in this cluster (install cert-manager)");
      }
      throw ex;
    }
    undo.add(0, () -> ops.withName(r.getMetadata().getName()).delete());
    created.add(kind.kind() + " " + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName());
  }

  private static ObjectNode resource(String apiVersion, String kind, String namespace, String name, Map<String, String> labels) {
    ObjectNode r = Serialization.jsonMapper().createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode meta = r.putObject("metadata").put("name", name).put("namespace", namespace);
    if (!labels.isEmpty()) {
      ObjectNode l = meta.putObject("labels");
      labels.forEach(l::put);
    }
    return r;
  }
}
