package io.smm.backend.auth;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Which namespaces a user may see data of that does not come from the Kubernetes API (Prometheus
 * metrics, traffic tap, background validation): those where the API server lets them `get pods`,
 * asked with SubjectAccessReviews and remembered for a short while, as Kiali does for its graph.
 */
public final class NamespaceAccess {

  /** The namespaces one identity may read; {@code all} when it may get pods cluster-wide. */
  public record Visible(boolean all, Set<String> names) {
    public static final Visible EVERYTHING = new Visible(true, Set.of());

    public boolean contains(String namespace) {
      return all || names.contains(namespace);
    }
  }

  private record Answer(Visible visible, Instant at) {}

  private final KubernetesClient client;
  private final Supplier<List<String>> namespaces;
  private final Clock clock;
  private final Duration ttl;
  private final Map<Identity, Answer> cache = new ConcurrentHashMap<>();

  /**
   * @param client the backend's own client (it creates the reviews)
   * @param namespaces every namespace of the cluster, read with the backend's identity
   */
  public NamespaceAccess(KubernetesClient client, Supplier<List<String>> namespaces, Clock clock, Duration ttl) {
    this.client = client;
    this.namespaces = namespaces;
    this.clock = clock;
    this.ttl = ttl;
  }

  /** Blocking (one review per namespace on a cache miss); call off the event loop. */
  public Visible visible(Identity identity) {
    Instant now = clock.instant();
    Answer cached = cache.get(identity);
    if (cached != null && now.isBefore(cached.at().plus(ttl))) {
      return cached.visible();
    }
    Visible v;
    if (mayGetPods(identity, "")) {
      v = Visible.EVERYTHING;
    } else {
      Set<String> names = new TreeSet<>();
      for (String ns : namespaces.get()) {
        if (mayGetPods(identity, ns)) {
          names.add(ns);
        }
      }
      v = new Visible(false, Set.copyOf(names));
    }
    cache.values().removeIf(a -> !now.isBefore(a.at().plus(ttl))); // users who left
    cache.put(identity, new Answer(v, now));
    return v;
  }

  /** @throws NamespaceForbiddenException when the identity may not read the namespace */
  public void require(Identity identity, String namespace) {
    if (!visible(identity).contains(namespace)) {
      throw new NamespaceForbiddenException(identity, namespace);
    }
  }

  /** @throws NamespaceForbiddenException when the identity may not read every namespace (mesh-wide numbers) */
  public void requireAll(Identity identity) {
    if (!visible(identity).all()) {
      throw new NamespaceForbiddenException(identity, null);
    }
  }

  private boolean mayGetPods(Identity identity, String namespace) {
    SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec().withUser(identity.username())
        .withGroups(identity.groups()).withNewResourceAttributes().withNamespace(namespace).withVerb("get").withResource("pods")
        .endResourceAttributes().endSpec().build();
    SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(review);
    return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }
}
