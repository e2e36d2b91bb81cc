package io.smm.operator.clusterregistry;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.clusterregistry.ClusterRegistry;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.clusterregistry.ClusterGroup.Member;
import io.smm.sandbox.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster registry's semantics (seed 2.7.1.4, "ResourceSyncRule example usage") between sandbox
 * clusters, each with its own API server and controller: the group forms from exchanged Cluster
 * objects, a rule written on one cluster reaches all, objects are copied from where they come from,
 * changed or deleted copies are synced back, the sync-disabled annotation and clusterFeatureMatch
 * limit where to and where from, and copies never flow back to their source.
 */
class ClusterRegistryTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @Test
  void exchangedClustersFormAGroupThatSyncsItsCoreResources() throws Exception {
    try (ClusterGroup group = new ClusterGroup(dir, "primary", "peer")) {
      group.awaitReady();
      Member primary = group.get("primary");
      Member peer = group.get("peer");
      assertThat(ClusterGroup.status(primary.cluster("primary"), "type")).isEqualTo("Local");
      assertThat(ClusterGroup.status(primary.cluster("peer"), "type")).isEqualTo("Peer");
      assertThat(ClusterGroup.status(peer.cluster("peer"), "type")).isEqualTo("Local");
      // The core rules are each cluster's own, owned by its Cluster object.
      GenericKubernetesResource rule = rule(primary, "cluster-registry-core-resource-cluster-secrets-sink");
      assertThat(rule.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo(primary.cluster("primary").getMetadata().getUid()));
      assertThat(rule.getMetadata().getAnnotations()).doesNotContainKey(ClusterRegistry.OWNER_CLUSTER_ID);
    }
  }

  /** "Sync everywhere": the secret from the third cluster, the rule from the first, both reach all. */
  @Test
  void aRuleWrittenOnOneClusterSyncsAnObjectFromWhereItIsToEveryCluster() throws Exception {
    try (ClusterGroup group = new ClusterGroup(dir, "first", "second", "third")) {
      group.awaitReady();
      Member first = group.get("first");
      Member second = group.get("second");
      Member third = group.get("third");
      createTestSecret(third, "original");
      createRule(first, testSecretSink());

      for (Member m : group.members) {
        Eventually.until(() -> rule(m, "test-secret-sink") != null, WAIT, m.name + " has the rule");
        Eventually.until(() -> "original".equals(value(m.secret("test-secret"))), WAIT, m.name + " has the secret");
      }
      // A copy names where it comes from, as annotation and label; the original has no owner.
      assertThat(first.secret("test-secret").getMetadata().getAnnotations()).containsEntry(ClusterRegistry.OWNER_CLUSTER_ID, third.id());
      assertThat(first.secret("test-secret").getMetadata().getLabels()).containsEntry(ClusterRegistry.OWNER_CLUSTER_ID, third.id());
      assertThat(third.secret("test-secret").getMetadata().getAnnotations()).isNullOrEmpty();

      // Changed on a cluster it is not from: synced back.
      changeTestSecret(second, "tampered");
      // Deleted on one: recreated.
      first.client.secrets().inNamespace(ClusterGroup.NAMESPACE).withName("test-secret").delete();
      Eventually.until(() -> "original".equals(value(second.secret("test-secret"))), WAIT, "the change on second is synced back");
      Eventually.until(() -> "original".equals(value(first.secret("test-secret"))), WAIT, "the deleted copy on first is recreated");

      // Changed at the source: every copy follows; deleted at the source: the copies go.
      changeTestSecret(third, "rotated");
      for (Member m : group.members) {
        Eventually.until(() -> "rotated".equals(value(m.secret("test-secret"))), WAIT, m.name + " follows the source");
      }
      third.client.secrets().inNamespace(ClusterGroup.NAMESPACE).withName("test-secret").delete();
      for (Member m : group.members) {
        Eventually.until(() -> m.secret("test-secret") == null, WAIT, m.name + " drops the copy of a deleted source");
      }
    }
  }

  /** "Sync to a set of clusters": a source annotated resource-sync-disabled is not copied again. */
  @Test
  void theSyncDisabledAnnotationStopsCopiesOfThatObject() throws Exception {
    try (ClusterGroup group = new ClusterGroup(dir, "first", "second", "third")) {
      group.awaitReady();
      Member first = group.get("first");
      Member second = group.get("second");
      Member third = group.get("third");
      createTestSecret(third, "original");
      createRule(first, testSecretSink());
      Eventually.until(() -> rule(second, "test-secret-sink") != null && second.secret("test-secret") != null, WAIT, "second has both");

      // 1. the annotation on the first cluster's rule; 2. the rule deleted from the second: it stays deleted.
      GenericKubernetesResource annotated = rule(first, "test-secret-sink");
      annotated.getMetadata().setAnnotations(Map.of(ClusterRegistry.SYNC_DISABLED, "true"));
      first.client.genericKubernetesResources(ClusterRegistry.API_VERSION, "ResourceSyncRule").resource(annotated).update();
      // The manual's steps are a user's, seconds apart: the annotation has reached the second cluster's copy before it is
      // deleted there (deleted earlier, the copy is put back from what the sync last read of the first cluster's rule).
      Eventually.until(() -> rule(second, "test-secret-sink").getMetadata().getAnnotations() != null
          && rule(second, "test-secret-sink").getMetadata().getAnnotations().containsKey(ClusterRegistry.SYNC_DISABLED), WAIT,
          "the annotation reaches the second cluster's copy of the rule");
      second.client.genericKubernetesResources(ClusterRegistry.API_VERSION, "ResourceSyncRule").withName("test-secret-sink").delete();
      // ... and the second cluster's controller has stopped following the rule.
      Eventually.until(() -> second.controller.syncs().stream().noneMatch(s -> s.startsWith("test-secret-sink@")), WAIT,
          () -> "second stops the rule's syncs: " + second.controller.syncs());
      // 3. the secret deleted from the second: no rule there copies it any more.
      second.client.secrets().inNamespace(ClusterGroup.NAMESPACE).withName("test-secret").delete();

      syncBarrier(first, second);
      assertThat(rule(second, "test-secret-sink")).as("the annotated rule is not recreated").isNull();
      assertThat(second.secret("test-secret")).as("the secret is not recreated without the rule").isNull();
      // Without the annotation (the third cluster's copy of the rule was made before it): the rule is still there and works.
      assertThat(rule(third, "test-secret-sink")).isNotNull();
      first.client.secrets().inNamespace(ClusterGroup.NAMESPACE).withName("test-secret").delete();
      Eventually.until(() -> first.secret("test-secret") != null, WAIT, "first, with the rule, still recreates the secret");
    }
  }

  /** "Sync from a set of clusters": with clusterFeatureMatch, only peers that offer the feature are sources. */
  @Test
  void clusterFeatureMatchSyncsOnlyFromPeersOfferingTheFeature() throws Exception {
    try (ClusterGroup group = new ClusterGroup(dir, "first", "second", "third")) {
      group.awaitReady();
      Member first = group.get("first");
      Member third = group.get("third");
      createTestSecret(third, "original");
      GenericKubernetesResource rule = testSecretSink();
      ((Map<String, Object>) rule.getAdditionalProperties().get("spec")).put("clusterFeatureMatch",
          java.util.List.of(Map.of("featureName", "test-secret-feature")));
      createRule(first, rule);
      Eventually.until(() -> rule(third, "test-secret-sink") != null, WAIT, "the rule reaches the third cluster");

      // No cluster offers the feature: the first cluster has no source for the secret.
      syncBarrier(third, first);
      assertThat(first.secret("test-secret")).isNull();

      third.client.genericKubernetesResources(ClusterRegistry.API_VERSION, "ClusterFeature").resource(Serialization.unmarshal("""
          apiVersion: clusterregistry.k8s.cisco.com/v1alpha1
          kind: ClusterFeature
          metadata:
            name: test-secret-source
          spec:
            featureName: test-secret-feature
          """, GenericKubernetesResource.class)).create();
      Eventually.until(() -> "original".equals(value(first.secret("test-secret"))), WAIT, "synced from the third cluster, which has the feature");
    }
  }

  /**
   * Rules on both clusters copying the same object both ways: each copy names its source, so it is
   * never copied back, and a copy that is current is not written again — the API servers see no
   * writes once the copies are made.
   */
  @Test
  void rulesSyncingAnObjectBothWaysDoNotPingPong() throws Exception {
    try (ClusterGroup group = new ClusterGroup(dir, "east", "west")) {
      group.awaitReady();
      Member east = group.get("east");
      Member west = group.get("west");
      createTestSecret(east, "from-east");
      // The same rule written on both (the core rules would replicate one anyway), and a second rule for the same object.
      for (Member m : group.members) {
        m.client.genericKubernetesResources(ClusterRegistry.API_VERSION, "ResourceSyncRule").resource(testSecretSink()).createOr(r -> r.update());
      }
      GenericKubernetesResource byLabel = testSecretSink();
      byLabel.getMetadata().setName("test-secret-by-label");
      ((Map<String, Object>) byLabel.getAdditionalProperties().get("spec")).put("rules",
          java.util.List.of(Map.of("match", java.util.List.of(Map.of("labels", java.util.List.of(Map.of("matchLabels",
              Map.of("app", "loop"))))))));
      createRule(west, byLabel);
      Eventually.until(() -> "from-east".equals(value(west.secret("test-secret"))), WAIT, "west has east's secret");
      Eventually.until(() -> rule(east, "test-secret-by-label") != null, WAIT, "east has west's rule");

      syncBarrier(east, west);
      long eastWrites = east.api.writeRequests();
      long westWrites = west.api.writeRequests();
      // Every sync looks at every object again each refresh (informer resync) and the controllers pass again: 10 refreshes.
      long passes = east.controller.passes();
      Eventually.until(() -> east.controller.passes() >= passes + 10 && west.controller.passes() >= passes + 10, WAIT, "ten passes");
      assertThat(east.api.writeRequests() - eastWrites).as("writes to east after the copies were made").isZero();
      assertThat(west.api.writeRequests() - westWrites).as("writes to west after the copies were made").isZero();
      assertThat(east.secret("test-secret").getMetadata().getAnnotations()).isNullOrEmpty();
      assertThat(value(east.secret("test-secret"))).isEqualTo("from-east");
    }
  }

  /** A peer whose API server goes away: its Cluster goes Failed with the reason, the copies stay, and it recovers by itself. */
  @Test
  void aPeerThatGoesAwayIsNotReadyUntilItComesBack() throws Exception {
    try (ClusterGroup group = new ClusterGroup(dir, "primary", "peer")) {
      group.awaitReady();
      Member primary = group.get("primary");
      Member peer = group.get("peer");
      createTestSecret(peer, "from-peer");
      createRule(primary, testSecretSink());
      Eventually.until(() -> primary.secret("test-secret") != null, WAIT, "primary has the peer's secret");

      peer.stop();
      Eventually.until(() -> "Failed".equals(ClusterGroup.status(primary.cluster("peer"), "state")), WAIT, "the peer goes Failed");
      assertThat(ClusterGroup.status(primary.cluster("peer"), "message")).startsWith("cluster peer: unreachable");
      assertThat(ClusterGroup.status(primary.cluster("primary"), "state")).isEqualTo("Ready");
      assertThat(value(primary.secret("test-secret"))).as("copies stay while their source is away").isEqualTo("from-peer");

      peer.restart();
      Eventually.until(() -> "Ready".equals(ClusterGroup.status(primary.cluster("peer"), "state")), WAIT, "the peer recovers");
      changeTestSecret(peer, "after-restart");
      Eventually.until(() -> "after-restart".equals(value(primary.secret("test-secret"))), WAIT, "syncing resumes");
    }
  }

  @Test
  void aRuleTheControllerCannotFollowIsReportedOnIt() throws Exception {
    try (ClusterGroup group = new ClusterGroup(dir, "primary", "peer")) {
      group.awaitReady();
      Member primary = group.get("primary");
      GenericKubernetesResource rule = testSecretSink();
      ((Map<String, Object>) rule.getAdditionalProperties().get("spec")).put("rules", java.util.List.of(Map.of("mutations",
          Map.of("overrides", java.util.List.of(Map.of("type", "replace", "path", "/data/value",
              "value", "{{ index .Object.Labels \"app\" }}"))))));
      createRule(primary, rule);
      Eventually.until(() -> primary.client.v1().events().inNamespace("default").list().getItems().stream()
          .anyMatch(e -> "test-secret-sink".equals(e.getInvolvedObject().getName()) && "InvalidRule".equals(e.getReason())
              && e.getMessage().startsWith("spec.rules[0].mutations.overrides[0].value: unsupported template action "
                  + "{{ index .Object.Labels \"app\" }}")), WAIT, "a Warning event on the rule");
    }
  }

  /**
   * The istio-operator's own rule (its rendering for a PASSIVE control plane, read from the reference
   * data): the active cluster's IstioControlPlane reaches the passive one as PeerIstioControlPlane
   * {@code <name>-<active cluster>}, renamed by the rule's template and with its status; changed at the
   * source it follows, deleted there it goes.
   */
  @Test
  void theIstioOperatorsPeerControlPlaneRuleCopiesTheActiveControlPlaneRenamed() throws Exception {
    try (ClusterGroup group = new ClusterGroup(dir, "active", "passive")) {
      group.awaitReady();
      Member active = group.get("active");
      Member passive = group.get("passive");
      for (Member m : group.members) {
        for (SmmCrds.Kind kind : java.util.List.of(SmmCrds.ISTIO_CONTROL_PLANE, SmmCrds.PEER_ISTIO_CONTROL_PLANE)) {
          m.client.apiextensions().v1().customResourceDefinitions().resource(SmmCrds.crd(kind)).create();
        }
        m.client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("istio-system")
            .endMetadata().build()).create();
      }
      GenericKubernetesResource sink = istioOperatorObject("rsr-expected-passive-resource-dump.yaml", "istio-peeristiocontrolplane-sink-cp-v115x");
      createRule(passive, sink);
      active.client.genericKubernetesResources(ClusterRegistry.API_VERSION, "ClusterFeature").resource(
          istioOperatorObject("rsr-expected-active-resource-dump.yaml", "istio-peeristiocontrolplane-source-cp-v115x")).create();
      GenericKubernetesResource icp = Serialization.unmarshal(Files.readString(ISTIO_OPERATOR.resolve("icp-active-test-cr.yaml")),
          GenericKubernetesResource.class);
      var icps = active.client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(), "IstioControlPlane").inNamespace("istio-system");
      GenericKubernetesResource created = icps.resource(icp).create();
      created.getAdditionalProperties().put("status", Map.of("status", "Available"));
      icps.resource(created).updateStatus();

      var peers = passive.client.genericKubernetesResources(SmmCrds.PEER_ISTIO_CONTROL_PLANE.apiVersion(), "PeerIstioControlPlane")
          .inNamespace("istio-system");
      Eventually.until(() -> peers.withName("cp-v115x-active").get() != null
          && "Available".equals(ClusterGroup.status(peers.withName("cp-v115x-active").get(), "status")), WAIT,
          "the passive cluster has the active control plane as PeerIstioControlPlane cp-v115x-active with its status");
      GenericKubernetesResource copy = peers.withName("cp-v115x-active").get();
      assertThat(copy.getMetadata().getLabels()).containsEntry("cluster-registry.k8s.cisco.com/original-name", "cp-v115x")
          .containsEntry(ClusterRegistry.OWNER_CLUSTER_ID, active.id());
      assertThat(peers.withName("cp-v115x").get()).isNull();

      GenericKubernetesResource changed = icps.withName("cp-v115x").get();
      ((Map<String, Object>) changed.getAdditionalProperties().get("spec")).put("networkName", "network-a");
      icps.resource(changed).update();
      Eventually.until(() -> "network-a".equals(((Map<?, ?>) peers.withName("cp-v115x-active").get().getAdditionalProperties().get("spec"))
          .get("networkName")), WAIT, "the copy follows its source");
      // Deleted on the passive side: synced back under the same name.
      peers.withName("cp-v115x-active").delete();
      Eventually.until(() -> peers.withName("cp-v115x-active").get() != null, WAIT, "the deleted copy comes back");
      icps.withName("cp-v115x").delete();
      Eventually.until(() -> peers.withName("cp-v115x-active").get() == null, WAIT, "the copy goes with its source");
    }
  }

  /**
   * Istio's remote secrets: each cluster's IstioControlPlane reconcile writes the revision's reader
   * secret (a kubeconfig of its istio-reader service account), the istio-operator's
   * istio-multi-cluster-secret-sink rule copies it to the other cluster labelled istio/multiCluster,
   * and what istiod would read with it is readable: the first cluster's pods, as the reader.
   */
  @Test
  @SuppressWarnings("unchecked")
  void eachActiveControlPlaneGetsThePeersReaderSecretAsAnIstioRemoteSecret() throws Exception {
    try (ClusterGroup group = new ClusterGroup(dir, "east", "west")) {
      group.awaitReady();
      for (Member m : group.members) {
        // The product's and Istio's CRDs, beside the registry's the group already has.
        for (var crd : new io.smm.operator.components.CrdsComponent().desired(null)) {
          if (m.client.resource(crd.object()).get() == null) {
            m.client.resource(crd.object()).create();
          }
        }
        m.client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind()).resource(
            new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.CONTROL_PLANE.apiVersion())
                .withKind(SmmCrds.CONTROL_PLANE.kind()).withNewMetadata().withName("smm").endMetadata()
                .addToAdditionalProperties("spec", Map.of("clusterName", m.name, "clusterRegistry", Map.of("enabled", true))).build())
            .create();
        m.client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("istio-system")
            .endMetadata().build()).create();
        m.client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.ISTIO_CONTROL_PLANE.kind())
            .inNamespace("istio-system").resource(new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                .withApiVersion(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion()).withKind(SmmCrds.ISTIO_CONTROL_PLANE.kind())
                .withNewMetadata().withName("cp-v115x").withNamespace("istio-system").endMetadata()
                .addToAdditionalProperties("spec", Map.of("version", "1.15.3", "mode", "ACTIVE", "meshID", "mesh1", "clusterID", m.name))
                .build()).create();
      }
      Member east = group.get("east");
      Member west = group.get("west");
      var reconcilers = Map.of("east", new io.smm.operator.istio.IstioControlPlaneReconciler(east.client,
          new io.smm.operator.resources.ResourceApplier(east.client)), "west", new io.smm.operator.istio.IstioControlPlaneReconciler(
          west.client, new io.smm.operator.resources.ResourceApplier(west.client)));
      // The operator reconciles again until the reader's token is issued; here, until the secret is written.
      Eventually.until(() -> {
        reconcilers.forEach((name, r) -> r.reconcile("istio-system", "cp-v115x"));
        return east.client.secrets().inNamespace("istio-system").withName("east-cp-v115x").get() != null
            && west.client.secrets().inNamespace("istio-system").withName("west-cp-v115x").get() != null;
      }, WAIT, "both clusters write their reader secret");
      var local = east.client.secrets().inNamespace("istio-system").withName("east-cp-v115x").get();
      assertThat(local.getType()).isEqualTo("k8s.cisco.com/istio-reader-secret");
      assertThat(local.getMetadata().getLabels()).containsEntry("istio.io/rev", "cp-v115x.istio-system").doesNotContainKey("istio/multiCluster");

      Eventually.until(() -> west.client.secrets().inNamespace("istio-system").withName("east-cp-v115x").get() != null
          && east.client.secrets().inNamespace("istio-system").withName("west-cp-v115x").get() != null, WAIT,
          "each cluster receives the other's reader secret");
      var remote = west.client.secrets().inNamespace("istio-system").withName("east-cp-v115x").get();
      assertThat(remote.getMetadata().getLabels()).containsEntry("istio/multiCluster", "true");
      String kubeconfig = new String(java.util.Base64.getDecoder().decode(remote.getData().get("east")), java.nio.charset.StandardCharsets.UTF_8);
      try (var reader = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
          .withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(kubeconfig)).build()) {
        assertThat(reader.getMasterUrl().toString()).startsWith(east.api.url());
        assertThat(reader.namespaces().withName("istio-system").get()).as("east, read with west's remote secret").isNotNull();
      }

      // The registry turned off: the reader secret and its token go (the copy follows its source).
      var cp = east.client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind()).withName("smm").get();
      ((Map<String, Object>) cp.getAdditionalProperties().get("spec")).put("clusterRegistry", Map.of("enabled", false));
      east.client.resource(cp).update();
      reconcilers.get("east").reconcile("istio-system", "cp-v115x");
      assertThat(east.client.secrets().inNamespace("istio-system").withName("east-cp-v115x").get()).isNull();
      assertThat(east.client.secrets().inNamespace("istio-system").withName("istio-reader-cp-v115x-token").get()).isNull();
      Eventually.until(() -> west.client.secrets().inNamespace("istio-system").withName("east-cp-v115x").get() == null, WAIT,
          "west forgets east's remote secret");
    }
  }

  private static final Path ISTIO_OPERATOR = io.smm.sandbox.testing.Conformance.path("istio-operator").resolve("components/resourcesyncrule");

  /** One object of the istio-operator's rendering in the reference data, as it is there. */
  private static GenericKubernetesResource istioOperatorObject(String dump, String name) throws java.io.IOException {
    for (String doc : Files.readString(ISTIO_OPERATOR.resolve(dump)).split("(?m)^---\\s*$")) {
      GenericKubernetesResource o = doc.isBlank() ? null : Serialization.unmarshal(doc, GenericKubernetesResource.class);
      if (o != null && o.getMetadata() != null && name.equals(o.getMetadata().getName())) {
        return o;
      }
    }
    throw new IllegalArgumentException(name + " not in " + dump);
  }

  /**
   * A barrier: a fresh Cluster secret on {@code from} reaching {@code to} means {@code to}'s
   * controller has synced from {@code from} since everything done before it.
   */
  private static void syncBarrier(Member from, Member to) throws InterruptedException {
    String name = "barrier-" + System.nanoTime();
    from.client.secrets().inNamespace(ClusterGroup.NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .withType(ClusterRegistry.SECRET_TYPE).addToData("kubeconfig", base64("{}")).build()).create();
    Eventually.until(() -> to.secret(name) != null, WAIT, "the barrier secret reaches " + to.name);
  }

  private static void createTestSecret(Member m, String value) {
    m.client.secrets().inNamespace(ClusterGroup.NAMESPACE).resource(testSecret(value)).create();
  }

  /** Changes the test secret's value on one cluster (at the source, or a copy). */
  private static void changeTestSecret(Member m, String value) {
    Secret secret = m.secret("test-secret");
    secret.setData(Map.of("value", base64(value)));
    m.client.secrets().inNamespace(ClusterGroup.NAMESPACE).resource(secret).update();
  }

  private static void createRule(Member m, GenericKubernetesResource rule) {
    m.client.genericKubernetesResources(ClusterRegistry.API_VERSION, "ResourceSyncRule").resource(rule).create();
  }

  private static GenericKubernetesResource rule(Member m, String name) {
    return m.client.genericKubernetesResources(ClusterRegistry.API_VERSION, "ResourceSyncRule").withName(name).get();
  }

  /** The manual's test-secret-sink rule. */
  private static GenericKubernetesResource testSecretSink() {
    return Serialization.unmarshal("""
        apiVersion: clusterregistry.k8s.cisco.com/v1alpha1
        kind: ResourceSyncRule
        metadata:
          name: test-secret-sink
        spec:
          groupVersionKind:
            kind: Secret
            version: v1
          rules:
          - match:
            - objectKey:
                name: test-secret
                namespace: cluster-registry
        """, GenericKubernetesResource.class);
  }

  private static Secret testSecret(String value) {
    return new SecretBuilder().withNewMetadata().withName("test-secret").addToLabels("app", "loop").endMetadata()
        .addToData("value", base64(value)).build();
  }

  private static String value(Secret secret) {
    return secret == null || secret.getData() == null || secret.getData().get("value") == null ? null
        : new String(java.util.Base64.getDecoder().decode(secret.getData().get("value")), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String base64(String s) {
    return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
