package io.smm.backend.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smm.backend.istio.IstioResource;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a Gateway's TLS servers have their certificate (the Gateways page's check mark, seed
 * 2.5.6.5: a warning until Let's Encrypt has issued, then a green check): the credentialName Secret
 * in the namespace Istio reads it from (the gateway pods'), holding a parseable, unexpired
 * certificate and a key. Only the certificate's expiry is reported, never the Secret's content; it
 * is read with the backend's own identity, as istiod reads it for the gateway.
 */
public final class GatewayCertificates {

  /** One TLS server's credential: ready with the certificate's notAfter, or the reason it is not. */
  public record Credential(int port, String credentialName, boolean ready, String notAfter, String message) {}

  private final KubernetesClient client;
  private final Clock clock;

  public GatewayCertificates(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public List<Credential> of(IstioResource gateway) {
    if (!"Gateway".equals(gateway.kind())) {
      return List.of();
    }
    List<Credential> out = new ArrayList<>();
    String namespace = null;
    for (JsonNode server : gateway.spec().path("servers")) {
      String name = server.at("/tls/credentialName").asText("");
      if (name.isEmpty()) {
        continue;
      }
      if (namespace == null) {
        namespace = secretNamespace(gateway);
      }
      out.add(judge(server.at("/port/number").asInt(), namespace, name));
    }
    return out;
  }

  private Credential judge(int port, String namespace, String name) {
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      return new Credential(port, name, false, null, "cannot read Secret " + namespace + "/" + name + ": " + e.getMessage());
    }
    if (secret == null || secret.getData() == null) {
      return new Credential(port, name, false, null, "waiting for its certificate: Secret " + namespace + "/" + name + " not found");
    }
    String crt = secret.getData().get("tls.crt");
    if (crt == null || !secret.getData().containsKey("tls.key")) {
      return new Credential(port, name, false, null, "Secret " + namespace + "/" + name + " has no tls.crt and tls.key");
    }
    try {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(crt)));
      if (cert.getNotAfter().toInstant().isBefore(clock.instant())) {
        return new Credential(port, name, false, cert.getNotAfter().toInstant().toString(), "the certificate expired");
      }
      return new Credential(port, name, true, cert.getNotAfter().toInstant().toString(), null);
    } catch (CertificateException | IllegalArgumentException e) {
      return new Credential(port, name, false, null, "the certificate in Secret " + namespace + "/" + name + " cannot be read");
    }
  }

  /** Istio reads credentialName from the gateway pods' namespace: the first pod the selector matches, else the Gateway's. */
  private String secretNamespace(IstioResource gateway) {
    Map<String, String> selector = new LinkedHashMap<>();
    gateway.spec().path("selector").fields().forEachRemaining(e -> selector.put(e.getKey(), e.getValue().asText()));
    if (selector.isEmpty()) {
      return gateway.namespace();
    }
    try {
      List<Pod> pods = client.pods().inAnyNamespace().withLabels(selector).list().getItems();
      return pods.isEmpty() ? gateway.namespace() : pods.get(0).getMetadata().getNamespace();
    } catch (KubernetesClientException e) {
      return gateway.namespace();
    }
  }
}
