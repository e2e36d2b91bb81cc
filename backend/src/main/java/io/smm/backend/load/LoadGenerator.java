package io.smm.backend.load;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.demo.DemoImage;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The Topology page's "generate load" (seed 2.5.3.2): test traffic from inside the mesh, as a
 * short-lived pod of the demo image's load generator in the chosen namespace. It is injected like any
 * pod there, so its calls show in the topology and in tap as coming from {@value #APP}; Kubernetes
 * ends it at its activeDeadlineSeconds, and the finished runs of a namespace are removed when the
 * next one starts. Made per caller: creating the pod needs that user's permission to create pods.
 */
public final class LoadGenerator {

  public static final String APP = "smm-load";
  static final String LABEL = "smm.cisco.com/load-generator";
  static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  static final double MAX_RPS = 1000;
  static final int MAX_SECONDS = 3600;
  /** Time for the pod to start before its load runs; Kubernetes stops it after this plus the duration. */
  static final int START_SECONDS = 60;

  /** What the user asked for. */
  public record Request(String namespace, String url, String method, Map<String, String> headers, double requestsPerSecond,
      int durationSeconds) {}

  /** The pod sending it, and until when at the latest. */
  public record Run(String namespace, String pod, Instant until) {}

  private final KubernetesClient client;

  public LoadGenerator(KubernetesClient client) {
    this.client = client;
  }

  /** @throws IllegalArgumentException naming the field that cannot work; nothing is created then */
  public Run start(Request r) {
    String method = r.method() == null || r.method().isBlank() ? "GET" : r.method().trim().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException("method must be one of " + new TreeSet<>(METHODS) + ", not \"" + r.method() + "\"");
    }
    URI url = url(r.url());
    if (!(r.requestsPerSecond() > 0 && r.requestsPerSecond() <= MAX_RPS)) {
      throw new IllegalArgumentException("requests per second must be above 0 and at most " + (int) MAX_RPS + ", not " + r.requestsPerSecond());
    }
    if (r.durationSeconds() < 1 || r.durationSeconds() > MAX_SECONDS) {
      throw new IllegalArgumentException("duration must be between 1 and " + MAX_SECONDS + " seconds, not " + r.durationSeconds());
    }
    for (Map.Entry<String, String> h : r.headers().entrySet()) {
      if (!h.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+") || h.getValue().contains(",") || h.getValue().contains("\n")) {
        throw new IllegalArgumentException("header \"" + h.getKey() + ": " + h.getValue() + "\" is not a header name with a value without commas");
      }
    }
    if (client.namespaces().withName(r.namespace()).get() == null) {
      throw new IllegalArgumentException("there is no namespace " + r.namespace());
    }
    removeFinished(r.namespace());
    String rate = Double.toString(r.requestsPerSecond());
    Pod pod = new PodBuilder().withNewMetadata().withGenerateName(APP + "-").withNamespace(r.namespace())
        .addToLabels("app", APP).addToLabels(LABEL, "true").addToLabels("app.kubernetes.io/managed-by", "smm")
        .addToAnnotations("smm.cisco.com/load", method + " " + url + " at " + rate + "/s for " + r.durationSeconds() + "s")
        .endMetadata()
        .withNewSpec().withRestartPolicy("Never").withActiveDeadlineSeconds((long) START_SECONDS + r.durationSeconds())
        .addNewContainer().withName("load").withImage(DemoImage.NAME)
        .withEnv(new EnvVar("ROLE", "loadgen", null), new EnvVar("TARGET", url.toString(), null), new EnvVar("METHOD", method, null),
            new EnvVar("HEADERS", r.headers().entrySet().stream().map(h -> h.getKey() + "=" + h.getValue()).collect(Collectors.joining(",")),
                null),
            new EnvVar("MIN_RPS", rate, null), new EnvVar("MAX_RPS", rate, null),
            new EnvVar("DURATION_SECONDS", Integer.toString(r.durationSeconds()), null))
        .endContainer().endSpec().build();
    Pod created = client.pods().inNamespace(r.namespace()).resource(pod).create();
    return new Run(r.namespace(), created.getMetadata().getName(), Instant.now().plusSeconds(START_SECONDS + r.durationSeconds()));
  }

  /** Earlier runs that have ended (Kubernetes keeps finished pods until someone deletes them). */
  private void removeFinished(String namespace) {
    List<Pod> finished = client.pods().inNamespace(namespace).withLabel(LABEL, "true").list().getItems().stream()
        .filter(p -> p.getStatus() != null && Set.of("Succeeded", "Failed").contains(String.valueOf(p.getStatus().getPhase()))).toList();
    finished.forEach(p -> client.pods().inNamespace(namespace).withName(p.getMetadata().getName()).delete());
  }

  private static URI url(String text) {
    URI url;
    try {
      url = new URI(text == null ? "" : text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not a URL: " + e.getReason());
    }
    if (!"http".equals(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException("the URL must be http://host[:port]/path (a service of the mesh, e.g. http://frontpage.smm-demo:8080/),"
          + " not \"" + text + "\"");
    }
    return url;
  }
}
