package io.smm.sandbox.certmanager;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.DaemonThreads;
import io.smm.sandbox.gateway.PlainHttp;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What cert-manager's controller does for a Certificate whose Issuer is ACME with the HTTP-01
 * solver, the way cert-manager does it, against a real ACME server (Pebble in tests): the account
 * (its key in the Issuer's privateKeySecretRef Secret), an order for the Certificate's dnsNames,
 * for each authorization a solver — an acmesolver Pod, a Service and an Ingress for
 * /.well-known/acme-challenge/TOKEN labelled acme.cert-manager.io/http01-solver, which the
 * product's Let's Encrypt part routes through the gateway — then the challenge, the CSR, and the
 * issued chain and key in the Certificate's secretName (kubernetes.io/tls) with the Certificate
 * Ready. Failures go to the Certificate's Ready condition and are retried after a backoff. Runs
 * only where it is started (tests); `smm sandbox up` does not, as no ACME server it could reach
 * knows the sandbox's names.
 */
public final class CertManagerStandIn implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CertManagerStandIn.class);
  static final String SOLVER_LABEL = "acme.cert-manager.io/http01-solver";
  static final Duration RETRY = Duration.ofSeconds(20);

  private final KubernetesClient client;
  private final TrustingAcmeProvider provider;
  private final Clock clock;
  private final Function<String, URI> resolve;
  private final Map<String, Instant> failedAt = new ConcurrentHashMap<>();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("cert-manager"));

  /**
   * @param trustedRoots roots trusted for ACME servers besides the JVM's (Pebble's listener CA)
   * @param resolve where a domain's HTTP port is reached from here (cert-manager's DNS), for the
   *     self-check cert-manager makes before it asks the ACME server to validate
   */
  public CertManagerStandIn(KubernetesClient client, List<X509Certificate> trustedRoots, Function<String, URI> resolve) {
    this.client = client;
    this.provider = new TrustingAcmeProvider(trustedRoots);
    this.clock = Clock.systemUTC();
    this.resolve = resolve;
  }

  public void start() {
    loop.scheduleWithFixedDelay(this::passSafely, 0, 1, TimeUnit.SECONDS);
  }

  private void passSafely() {
    try {
      pass();
    } catch (RuntimeException e) {
      LOG.debug("cert-manager pass interrupted: {}", e.getMessage());
    }
  }

  /** One pass over every Certificate: each not yet issued for its current dnsNames is issued now. */
  public void pass() {
    for (GenericKubernetesResource cert : certificates()) {
      String key = cert.getMetadata().getNamespace() + "/" + cert.getMetadata().getName();
      if (issued(cert)) {
        continue;
      }
      Instant failed = failedAt.get(key);
      if (failed != null && clock.instant().isBefore(failed.plus(RETRY))) {
        continue;
      }
      try {
        issue(cert);
        failedAt.remove(key);
      } catch (Exception e) {
        failedAt.put(key, clock.instant());
        LOG.info("certificate {} not issued: {}", key, e.getMessage());
        ready(cert, false, "Failed", "Issuing the certificate failed: " + e.getMessage());
      }
    }
  }

  private List<GenericKubernetesResource> certificates() {
    try {
      return client.genericKubernetesResources("cert-manager.io/v1", "Certificate").inAnyNamespace().list().getItems();
    } catch (KubernetesClientException e) {
      return List.of();
    }
  }

  /** Its secret holds a certificate for exactly its dnsNames (cert-manager's alt-names annotation). */
  private boolean issued(GenericKubernetesResource cert) {
    JsonNode spec = spec(cert);
    Secret secret = client.secrets().inNamespace(cert.getMetadata().getNamespace()).withName(spec.path("secretName").asText()).get();
    if (secret == null || secret.getMetadata().getAnnotations() == null) {
      return false;
    }
    return altNames(spec).equals(secret.getMetadata().getAnnotations().get("cert-manager.io/alt-names"));
  }

  private static String altNames(JsonNode spec) {
    List<String> names = new ArrayList<>();
    spec.path("dnsNames").forEach(n -> names.add(n.asText()));
    return String.join(",", names);
  }

  private static JsonNode spec(GenericKubernetesResource r) {
    return Serialization.jsonMapper().valueToTree(r.getAdditionalProperties().get("spec"));
  }

  void issue(GenericKubernetesResource cert) throws AcmeException, InterruptedException, IOException {
    String namespace = cert.getMetadata().getNamespace();
    JsonNode spec = spec(cert);
    JsonNode ref = spec.path("issuerRef");
    GenericKubernetesResource issuer = "ClusterIssuer".equals(ref.path("kind").asText())
        ? client.genericKubernetesResources("cert-manager.io/v1", "ClusterIssuer").withName(ref.path("name").asText()).get()
        : client.genericKubernetesResources("cert-manager.io/v1", "Issuer").inNamespace(namespace).withName(ref.path("name").asText()).get();
    if (issuer == null) {
      throw new IllegalStateException("issuer " + ref.path("name").asText() + " not found");
    }
    JsonNode acme = spec(issuer).path("acme");
    if (!acme.has("server")) {
      throw new IllegalStateException("issuer " + issuer.getMetadata().getName() + " is not an ACME issuer");
    }
    List<String> dnsNames = new ArrayList<>();
    spec.path("dnsNames").forEach(n -> dnsNames.add(n.asText()));
    if (dnsNames.isEmpty()) {
      throw new IllegalStateException("the Certificate has no dnsNames");
    }
    Session session = new Session(URI.create(acme.path("server").asText()), provider);
    AccountBuilder builder = new AccountBuilder().agreeToTermsOfService()
        .useKeyPair(accountKey(namespace, acme.path("privateKeySecretRef").path("name").asText(issuer.getMetadata().getName())));
    if (!acme.path("email").asText("").isEmpty()) {
      builder.addEmail(acme.path("email").asText());
    }
    Account account = builder.create(session);
    Order order = account.newOrder().domains(dnsNames).create();
    String ingressClass = acme.at("/solvers/0/http01/ingress/class").asText("istio");
    for (Authorization auth : order.getAuthorizations()) {
      if (auth.getStatus() == Status.VALID) {
        continue;
      }
      Http01Challenge challenge = auth.findChallenge(Http01Challenge.class)
          .orElseThrow(() -> new IllegalStateException("the ACME server offers no HTTP-01 challenge for " + auth.getIdentifier().getDomain()));
      String solver = "cm-acme-http-solver-" + suffix();
      try {
        deploySolver(namespace, solver, auth.getIdentifier().getDomain(), challenge, ingressClass, cert.getMetadata().getName());
        awaitSolverRunning(namespace, solver);
        awaitSelfCheck(auth.getIdentifier().getDomain(), challenge);
        challenge.trigger();
        Status status = challenge.waitForCompletion(Duration.ofSeconds(60));
        if (status != Status.VALID) {
          throw new IllegalStateException("HTTP-01 challenge for " + auth.getIdentifier().getDomain() + " is " + status
              + challenge.getError().map(p -> ": " + p.getDetail().orElse(p.toString())).orElse(""));
        }
      } finally {
        removeSolver(namespace, solver);
      }
    }
    KeyPair domainKey = KeyPairUtils.createKeyPair(2048);
    order.execute(domainKey);
    Status done = order.waitForCompletion(Duration.ofSeconds(60));
    if (done != Status.VALID) {
      throw new IllegalStateException("the order is " + done + order.getError().map(p -> ": " + p).orElse(""));
    }
    StringWriter chain = new StringWriter();
    order.getCertificate().writeCertificate(chain);
    StringWriter key = new StringWriter();
    KeyPairUtils.writeKeyPair(domainKey, key);
    X509Certificate leaf = order.getCertificate().getCertificate();
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("cert-manager.io/alt-names", altNames(spec));
    annotations.put("cert-manager.io/certificate-name", cert.getMetadata().getName());
    annotations.put("cert-manager.io/common-name", dnsNames.get(0));
    annotations.put("cert-manager.io/issuer-kind", ref.path("kind").asText("Issuer"));
    annotations.put("cert-manager.io/issuer-name", ref.path("name").asText());
    Secret secret = new SecretBuilder().withNewMetadata().withName(spec.path("secretName").asText()).withNamespace(namespace)
        .withAnnotations(annotations).endMetadata().withType("kubernetes.io/tls")
        .withData(Map.of("tls.crt", base64(chain.toString()), "tls.key", base64(key.toString()))).build();
    client.secrets().inNamespace(namespace).resource(secret).createOr(existing -> existing.update());
    Map<String, Object> status = new LinkedHashMap<>(conditions(true, "Ready", "Certificate is up to date and has not expired"));
    status.put("notBefore", leaf.getNotBefore().toInstant().toString());
    status.put("notAfter", leaf.getNotAfter().toInstant().toString());
    writeStatus(cert, status);
    LOG.info("certificate {}/{} issued for {}", namespace, cert.getMetadata().getName(), dnsNames);
  }

  /** The ACME account's key, kept in the Issuer's privateKeySecretRef Secret as cert-manager keeps it. */
  private KeyPair accountKey(String namespace, String secretName) throws IOException {
    Secret existing = client.secrets().inNamespace(namespace).withName(secretName).get();
    if (existing != null && existing.getData() != null && existing.getData().containsKey("tls.key")) {
      return KeyPairUtils.readKeyPair(new StringReader(new String(Base64.getDecoder().decode(existing.getData().get("tls.key")),
          StandardCharsets.UTF_8)));
    }
    KeyPair created = KeyPairUtils.createKeyPair(2048);
    StringWriter pem = new StringWriter();
    KeyPairUtils.writeKeyPair(created, pem);
    client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(secretName).withNamespace(namespace)
        .endMetadata().withData(Map.of("tls.key", base64(pem.toString()))).build()).create();
    return created;
  }

  private void deploySolver(String namespace, String name, String domain, Http01Challenge challenge, String ingressClass,
      String certificate) {
    Map<String, String> labels = Map.of(SOLVER_LABEL, "true", "acme.cert-manager.io/http-domain", Integer.toHexString(domain.hashCode()),
        "acme.cert-manager.io/http-token", Integer.toHexString(challenge.getToken().hashCode()), "app", name);
    client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .withLabels(labels).addToAnnotations("sidecar.istio.io/inject", "false").endMetadata()
        .withNewSpec().addNewContainer().withName("acmesolver").withImage(AcmeSolverRuntime.IMAGE)
        .withArgs("--listen-port=8089", "--domain=" + domain, "--token=" + challenge.getToken(), "--key=" + challenge.getAuthorization())
        .addNewPort().withName("http").withContainerPort(8089).endPort().endContainer().endSpec().build()).create();
    client.services().inNamespace(namespace).resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .withLabels(labels).endMetadata().withNewSpec().withType("ClusterIP").withSelector(labels)
        .addNewPort().withName("http").withPort(8089).withTargetPort(new IntOrString(8089)).endPort().endSpec().build()).create();
    client.network().v1().ingresses().inNamespace(namespace).resource(new IngressBuilder().withNewMetadata().withName(name)
        .withNamespace(namespace).withLabels(labels).addToLabels("acme.cert-manager.io/certificate-name", certificate)
        .addToAnnotations("kubernetes.io/ingress.class", ingressClass).endMetadata()
        .withNewSpec().addNewRule().withHost(domain).withNewHttp().addNewPath().withPath("/.well-known/acme-challenge/" + challenge.getToken())
        .withPathType("ImplementationSpecific").withNewBackend().withNewService().withName(name).withNewPort().withNumber(8089).endPort()
        .endService().endBackend().endPath().endHttp().endRule().endSpec().build()).create();
  }

  private void awaitSolverRunning(String namespace, String name) throws InterruptedException {
    Instant deadline = clock.instant().plus(Duration.ofSeconds(30));
    while (clock.instant().isBefore(deadline)) {
      var pod = client.pods().inNamespace(namespace).withName(name).get();
      if (pod != null && pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the HTTP-01 solver pod " + namespace + "/" + name + " did not start");
  }

  /**
   * cert-manager's self-check: the challenge URL, asked as the ACME server will ask it, answers the
   * key authorization (the solver is up and something routes the domain's port 80 to it) before the
   * server is told to validate; a validation that fails is final for the order.
   */
  private void awaitSelfCheck(String domain, Http01Challenge challenge) throws InterruptedException, IOException {
    URI address = resolve.apply(domain);
    String path = "/.well-known/acme-challenge/" + challenge.getToken();
    Instant deadline = clock.instant().plus(Duration.ofSeconds(60));
    String last = "no answer";
    while (clock.instant().isBefore(deadline)) {
      try {
        PlainHttp.Answer r = PlainHttp.get(address, domain, path);
        if (r.status() == 200 && r.body().trim().equals(challenge.getAuthorization())) {
          return;
        }
        last = "HTTP " + r.status();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("self check of the HTTP-01 challenge for " + domain + " failed (" + last + "): nothing routes "
        + "http://" + domain + "/.well-known/acme-challenge/ to the solver");
  }

  private void removeSolver(String namespace, String name) {
    try {
      client.network().v1().ingresses().inNamespace(namespace).withName(name).delete();
      client.services().inNamespace(namespace).withName(name).delete();
      client.pods().inNamespace(namespace).withName(name).delete();
    } catch (KubernetesClientException e) {
      LOG.debug("solver {}/{} not removed: {}", namespace, name, e.getMessage());
    }
  }

  private void ready(GenericKubernetesResource cert, boolean ready, String reason, String message) {
    try {
      writeStatus(cert, conditions(ready, reason, message));
    } catch (KubernetesClientException e) {
      LOG.debug("status of {} not written: {}", cert.getMetadata().getName(), e.getMessage());
    }
  }

  private Map<String, Object> conditions(boolean ready, String reason, String message) {
    Map<String, Object> condition = new LinkedHashMap<>();
    condition.put("type", "Ready");
    condition.put("status", ready ? "True" : "False");
    condition.put("reason", reason);
    condition.put("message", message);
    condition.put("lastTransitionTime", clock.instant().toString());
    return Map.of("conditions", List.of(condition));
  }

  private void writeStatus(GenericKubernetesResource cert, Map<String, Object> status) {
    var certificates = client.genericKubernetesResources("cert-manager.io/v1", "Certificate").inNamespace(cert.getMetadata().getNamespace());
    GenericKubernetesResource current = certificates.withName(cert.getMetadata().getName()).get();
    if (current == null) {
      return;
    }
    current.getAdditionalProperties().put("status", status);
    certificates.resource(current).updateStatus();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String suffix() {
    String chars = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      s.append(chars.charAt(ThreadLocalRandom.current().nextInt(chars.length())));
    }
    return s.toString();
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
