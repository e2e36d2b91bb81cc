package io.smm.operator.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Brings one resource to its desired state with server-side-apply-like semantics, written by
 * hand because the sandbox's API server has no server-side apply: the desired object is stamped
 * with owner labels and the hash of what we want; an object whose stamp matches and that still
 * holds every field we set ({@link Drift}) is left alone (no write at all), anything else is
 * replaced — so someone's edit of what we manage is undone by the next reconcile; only objects
 * carrying our managed-by label are ever updated or deleted. Conflicts, 5xx and timeouts are
 * retried with backoff.
 */
public class ResourceApplier {

  private final KubernetesClient client;
  private final int attempts;
  private final Duration firstBackoff;

  public ResourceApplier(KubernetesClient client) {
    this(client, 5, Duration.ofMillis(100));
  }

  ResourceApplier(KubernetesClient client, int attempts, Duration firstBackoff) {
    this.client = client;
    this.attempts = attempts;
    this.firstBackoff = firstBackoff;
  }

  public ApplyOutcome apply(DesiredResource desired, String component, String owner) {
    KubernetesClientException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        return desired.present() ? ensurePresent(stamp(desired.object(), component, owner), desired.acceptForeign())
            : ensureAbsent(desired.object());
      } catch (KubernetesClientException e) {
        if (!retriable(e)) {
          throw e;
        }
        last = e;
        sleep(firstBackoff.multipliedBy(1L << (attempt - 1)));
      }
    }
    throw last;
  }

  private ApplyOutcome ensurePresent(HasMetadata wanted, boolean acceptForeign) {
    HasMetadata existing = client.resource(wanted).get();
    if (existing == null) {
      client.resource(wanted).create();
      return ApplyOutcome.CREATED;
    }
    Map<String, String> annotations = existing.getMetadata().getAnnotations();
    String hash = wanted.getMetadata().getAnnotations().get(OwnershipLabels.DESIRED_HASH);
    boolean sameDesire = annotations != null && hash.equals(annotations.get(OwnershipLabels.DESIRED_HASH));
    // Same desire and every field we set still as we set it: nothing to do. Someone's edit of a
    // field we set (replicas, an added container, a removed label) is drift, repaired by the update.
    if (sameDesire && (!managedByUs(existing) || !drifted(wanted, existing))) {
      return ApplyOutcome.UNCHANGED;
    }
    if (!managedByUs(existing)) {
      if (acceptForeign) {
        return ApplyOutcome.UNCHANGED; // used as the user made it, never taken over
      }
      throw new ForeignResourceException(wanted);
    }
    if (ServerSetFields.immutableChange(wanted, existing)) {
      // kube-apiserver refuses the change in place (a Service turning headless): replaced, as `kubectl replace --force` does.
      client.resource(existing).withGracePeriod(0).delete();
      client.resource(wanted).create();
      return ApplyOutcome.UPDATED;
    }
    wanted.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    ServerSetFields.carryOver(wanted, existing);
    client.resource(wanted).update();
    return ApplyOutcome.UPDATED;
  }

  private ApplyOutcome ensureAbsent(HasMetadata unwanted) {
    HasMetadata existing = client.resource(unwanted).get();
    if (existing == null || !managedByUs(existing)) {
      return ApplyOutcome.ALREADY_ABSENT;
    }
    if (existing.getKind().equals("Namespace") && holdsForeignObjects(existing.getMetadata().getName())) {
      // Deleting it would delete the user's objects with it.
      return ApplyOutcome.UNCHANGED;
    }
    client.resource(existing).delete();
    return ApplyOutcome.DELETED;
  }

  private boolean holdsForeignObjects(String namespace) {
    List<HasMetadata> objects = new ArrayList<>();
    objects.addAll(client.pods().inNamespace(namespace).list().getItems());
    objects.addAll(client.services().inNamespace(namespace).list().getItems());
    objects.addAll(client.apps().deployments().inNamespace(namespace).list().getItems());
    objects.addAll(client.apps().statefulSets().inNamespace(namespace).list().getItems());
    objects.addAll(client.configMaps().inNamespace(namespace).list().getItems());
    // Pods and ReplicaSets of our own Deployments carry the Deployment's labels.
    return objects.stream().anyMatch(o -> !managedByUs(o) && !"kube-root-ca.crt".equals(o.getMetadata().getName()));
  }

  static boolean managedByUs(HasMetadata obj) {
    Map<String, String> labels = obj.getMetadata().getLabels();
    return labels != null && OwnershipLabels.MANAGED_BY_VALUE.equals(labels.get(OwnershipLabels.MANAGED_BY));
  }

  /** A copy of the object with our labels and the hash of everything else we set. */
  public static HasMetadata stamp(HasMetadata object, String component, String owner) {
    HasMetadata copy = Serialization.clone(object);
    Map<String, String> labels = new HashMap<>(copy.getMetadata().getLabels() == null ? Map.of() : copy.getMetadata().getLabels());
    labels.put(OwnershipLabels.MANAGED_BY, OwnershipLabels.MANAGED_BY_VALUE);
    labels.put(OwnershipLabels.COMPONENT, component);
    copy.getMetadata().setLabels(labels);
    // Pods of our workloads are ours too (a namespace holding only them may be removed); rendered
    // charts label pod templates their own way, so the ownership labels are added there as well.
    if (copy instanceof Deployment d && d.getSpec() != null && d.getSpec().getTemplate() != null
        && d.getSpec().getTemplate().getMetadata() != null) {
      Map<String, String> podLabels = new HashMap<>(d.getSpec().getTemplate().getMetadata().getLabels() == null ? Map.of()
          : d.getSpec().getTemplate().getMetadata().getLabels());
      podLabels.put(OwnershipLabels.MANAGED_BY, OwnershipLabels.MANAGED_BY_VALUE);
      podLabels.put(OwnershipLabels.COMPONENT, component);
      d.getSpec().getTemplate().getMetadata().setLabels(podLabels);
    }
    Map<String, String> annotations = new HashMap<>(copy.getMetadata().getAnnotations() == null ? Map.of() : copy.getMetadata().getAnnotations());
    annotations.put(OwnershipLabels.OWNER, owner);
    annotations.remove(OwnershipLabels.DESIRED_HASH);
    copy.getMetadata().setAnnotations(annotations);
    annotations.put(OwnershipLabels.DESIRED_HASH, sha256(canonicalJson(copy)));
    return copy;
  }

  /**
   * Whether the live object lost a field we set. Autoscalers are only looked up when the one
   * difference could be theirs (spec.replicas), so a no-op reconcile lists nothing extra.
   */
  private boolean drifted(HasMetadata wanted, HasMetadata live) {
    JsonNode want = json(wanted);
    JsonNode have = json(live);
    String difference = Drift.firstDifference(want, have);
    if (Drift.REPLICAS.equals(difference) && autoscaled(live)) {
      difference = Drift.firstDifference(want, have, true);
    }
    return difference != null;
  }

  /** Whether a HorizontalPodAutoscaler in its namespace scales this Deployment or StatefulSet (istiod's and gateways' do). */
  private boolean autoscaled(HasMetadata workload) {
    if (!(workload.getKind().equals("Deployment") || workload.getKind().equals("StatefulSet"))) {
      return false;
    }
    return client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(workload.getMetadata().getNamespace()).list().getItems()
        .stream().anyMatch(h -> h.getSpec() != null && h.getSpec().getScaleTargetRef() != null
            && workload.getKind().equals(h.getSpec().getScaleTargetRef().getKind())
            && workload.getMetadata().getName().equals(h.getSpec().getScaleTargetRef().getName()));
  }

  private static JsonNode json(HasMetadata object) {
    return Serialization.jsonMapper().valueToTree(object);
  }

  /** JSON with map keys sorted, so the hash does not depend on a map's iteration order (Map.of varies per JVM). */
  static String canonicalJson(HasMetadata object) {
    try {
      return CANONICAL.writeValueAsString(CANONICAL.readTree(Serialization.asJson(object)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true);

  private static boolean retriable(KubernetesClientException e) {
    int code = e.getCode();
    return code == 409 || code == 429 || code >= 500 || code == 0;
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying", e);
    }
  }
}
